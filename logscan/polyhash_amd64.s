//go:build !purego

#include "textflag.h"

// One block at off(SI) times the power of H in register H, added to the
// low (X2), middle (X3) and high (X4) halves of the products' sum.
#define BLOCK(off, H) \
	VMOVDQU off(SI), X1; \
	VPCLMULQDQ $0x00, H, X1, X5; \
	VPXOR X5, X2, X2; \
	VPCLMULQDQ $0x11, H, X1, X6; \
	VPXOR X6, X4, X4; \
	VPCLMULQDQ $0x01, H, X1, X5; \
	VPXOR X5, X3, X3; \
	VPCLMULQDQ $0x10, H, X1, X6; \
	VPXOR X6, X3, X3

// REDUCE sets X0 to (X4:X2 + X3·x^64) modulo x^128 + x^7 + x^2 + x + 1,
// x^128 being 0x87 (X8): the product p3·x^192 + p2·x^128 + p1·x^64 + p0
// has p3·x^192 = (p3·0x87)·x^64 added to p2:p1, then p2·x^128 = p2·0x87.
#define REDUCE \
	VPSLLDQ $8, X3, X5; \
	VPXOR X5, X2, X2; \
	VPSRLDQ $8, X3, X3; \
	VPXOR X3, X4, X4; \
	VPCLMULQDQ $0x01, X8, X4, X5; \
	VPSLLDQ $8, X5, X6; \
	VPXOR X6, X2, X2; \
	VPSRLDQ $8, X5, X5; \
	VPXOR X5, X4, X4; \
	VPCLMULQDQ $0x00, X8, X4, X4; \
	VPXOR X4, X2, X0

// func polyBlocksPCLMUL(acc *[2]uint64, powers *[8][2]uint64, blocks []byte)
//
// Adds len(blocks)/16 blocks to acc by Horner's rule, eight at a time:
// acc = (acc + b1)·H^8 + b2·H^7 + … + b8·H, with one reduction per eight;
// the last k < 8 blocks likewise with H^k … H.
TEXT ·polyBlocksPCLMUL(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ powers+8(FP), R8
	MOVQ blocks_base+16(FP), SI
	MOVQ blocks_len+24(FP), CX
	SHRQ $4, CX
	VMOVDQU (DI), X0
	MOVQ $0x87, AX
	MOVQ AX, X8
	CMPQ CX, $8
	JB   rest
	VMOVDQU 112(R8), X9      // H^8
	VMOVDQU 96(R8), X10
	VMOVDQU 80(R8), X11
	VMOVDQU 64(R8), X12
	VMOVDQU 48(R8), X13
	VMOVDQU 32(R8), X14
	VMOVDQU 16(R8), X15
	VMOVDQU (R8), X7         // H^1

groups:
	VMOVDQU (SI), X1
	VPXOR X0, X1, X1
	VPCLMULQDQ $0x00, X9, X1, X2
	VPCLMULQDQ $0x11, X9, X1, X4
	VPCLMULQDQ $0x01, X9, X1, X3
	VPCLMULQDQ $0x10, X9, X1, X5
	VPXOR X5, X3, X3
	BLOCK(16, X10)
	BLOCK(32, X11)
	BLOCK(48, X12)
	BLOCK(64, X13)
	BLOCK(80, X14)
	BLOCK(96, X15)
	BLOCK(112, X7)
	REDUCE
	ADDQ $128, SI
	SUBQ $8, CX
	CMPQ CX, $8
	JAE  groups

rest:
	TESTQ CX, CX
	JZ   done
	VPXOR X2, X2, X2
	VPXOR X3, X3, X3
	VPXOR X4, X4, X4
	VMOVDQU (SI), X1
	VPXOR X0, X1, X1
	JMP  mul

next:
	VMOVDQU (SI), X1

mul:
	MOVQ CX, R9
	SHLQ $4, R9
	VMOVDQU -16(R8)(R9*1), X9  // H^CX: CX counts down from k
	VPCLMULQDQ $0x00, X9, X1, X5
	VPXOR X5, X2, X2
	VPCLMULQDQ $0x11, X9, X1, X6
	VPXOR X6, X4, X4
	VPCLMULQDQ $0x01, X9, X1, X5
	VPXOR X5, X3, X3
	VPCLMULQDQ $0x10, X9, X1, X6
	VPXOR X6, X3, X3
	ADDQ $16, SI
	DECQ CX
	JNZ  next
	REDUCE

done:
	VMOVDQU X0, (DI)
	RET

// Two blocks at off(SI) times the two powers of H in register H (one a
// lane), added to the lanes of the sums in Y2, Y3, Y4.
#define YBLOCK(off, H) \
	VMOVDQU off(SI), Y1; \
	VPCLMULQDQ $0x00, H, Y1, Y5; \
	VPXOR Y5, Y2, Y2; \
	VPCLMULQDQ $0x11, H, Y1, Y6; \
	VPXOR Y6, Y4, Y4; \
	VPCLMULQDQ $0x01, H, Y1, Y5; \
	VPXOR Y5, Y3, Y3; \
	VPCLMULQDQ $0x10, H, Y1, Y6; \
	VPXOR Y6, Y3, Y3

// func polyGroupsVPCLMUL(acc *[2]uint64, k *polyKey, blocks []byte)
//
// polyBlocksPCLMUL for whole groups of eight blocks (len(blocks) a
// multiple of 128), two blocks an instruction: each 256-bit register holds
// two blocks, and two powers of H (polyKey.pairs: H^8 and H^7, H^6 and
// H^5, …). The lanes' sums are added before the reduction.
TEXT ·polyGroupsVPCLMUL(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ k+8(FP), R8
	MOVQ blocks_base+16(FP), SI
	MOVQ blocks_len+24(FP), CX
	SHRQ $7, CX
	JZ   ydone
	VMOVDQU (DI), X0         // the upper lane of Y0 is zero
	MOVQ $0x87, AX
	MOVQ AX, X8
	VMOVDQU 128(R8), Y9      // H^8, H^7
	VMOVDQU 160(R8), Y10     // H^6, H^5
	VMOVDQU 192(R8), Y11     // H^4, H^3
	VMOVDQU 224(R8), Y12     // H^2, H^1

ygroups:
	VMOVDQU (SI), Y1
	VPXOR Y0, Y1, Y1
	VPCLMULQDQ $0x00, Y9, Y1, Y2
	VPCLMULQDQ $0x11, Y9, Y1, Y4
	VPCLMULQDQ $0x01, Y9, Y1, Y3
	VPCLMULQDQ $0x10, Y9, Y1, Y5
	VPXOR Y5, Y3, Y3
	YBLOCK(32, Y10)
	YBLOCK(64, Y11)
	YBLOCK(96, Y12)
	VEXTRACTI128 $1, Y2, X5
	VPXOR X5, X2, X2
	VEXTRACTI128 $1, Y3, X5
	VPXOR X5, X3, X3
	VEXTRACTI128 $1, Y4, X5
	VPXOR X5, X4, X4
	REDUCE                   // a VEX.128 write: Y0's upper lane is zero again
	ADDQ $128, SI
	DECQ CX
	JNZ  ygroups
	VMOVDQU X0, (DI)
	VZEROUPPER

ydone:
	RET
