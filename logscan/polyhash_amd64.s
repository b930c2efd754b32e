//go:build !purego

#include "textflag.h"

// MULADD adds B times the power of H in register H to the low, middle and
// high halves of the products' sum (LO, MID, HI), T0 and T1 scratch: on
// 128-bit registers (X), one block; on 256-bit ones (Y), two blocks, each
// with the power in its lane.
#define MULADD(H, B, T0, T1, LO, MID, HI) \
	VPCLMULQDQ $0x00, H, B, T0; \
	VPXOR T0, LO, LO; \
	VPCLMULQDQ $0x11, H, B, T1; \
	VPXOR T1, HI, HI; \
	VPCLMULQDQ $0x01, H, B, T0; \
	VPXOR T0, MID, MID; \
	VPCLMULQDQ $0x10, H, B, T1; \
	VPXOR T1, MID, MID

#define XMULADD(H) MULADD(H, X1, X5, X6, X2, X3, X4)
#define YMULADD(H) MULADD(H, Y1, Y5, Y6, Y2, Y3, Y4)

// REDUCE sets X0 to (X4:X2 + X3·x^64) modulo x^128 + x^7 + x^2 + x + 1,
// x^128 being 0x87 (X8): the product p3·x^192 + p2·x^128 + p1·x^64 + p0
// has p3·x^192 = (p3·0x87)·x^64 added to p2:p1, then p2·x^128 = p2·0x87.
// A VEX.128 write: the upper lane of Y0 is zero after it.
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

// ZEROSUMS clears the sums, all 256 bits (a VEX.128 write zeroes the
// upper lane), without leaving the upper state dirty.
#define ZEROSUMS \
	VPXOR X2, X2, X2; \
	VPXOR X3, X3, X3; \
	VPXOR X4, X4, X4

// ARGS loads the arguments: acc into X0, k into R8, the blocks into SI and
// their count (len >> shift) into CX, and 0x87 into X8; it jumps to none
// when there is nothing to add.
#define ARGS(shift, none) \
	MOVQ acc+0(FP), DI; \
	MOVQ k+8(FP), R8; \
	MOVQ blocks_base+16(FP), SI; \
	MOVQ blocks_len+24(FP), CX; \
	SHRQ $shift, CX; \
	JZ   none; \
	VMOVDQU (DI), X0; \
	MOVQ $0x87, AX; \
	MOVQ AX, X8

// func polyBlocksPCLMUL(acc *[2]uint64, k *polyKey, blocks []byte)
//
// Adds len(blocks)/16 blocks to acc by Horner's rule, up to eight at a
// time with one reduction: acc = (acc + b1)·H^k + b2·H^(k-1) + … + bk·H.
TEXT ·polyBlocksPCLMUL(SB), NOSPLIT, $0-40
	ARGS(4, done)           // k.powers: H^1 … H^8

group:
	MOVQ CX, DX              // this group's blocks: min(CX, 8)
	CMPQ DX, $8
	JBE  sized
	MOVQ $8, DX

sized:
	SUBQ DX, CX
	ZEROSUMS
	VMOVDQU (SI), X1
	VPXOR X0, X1, X1
	JMP  mul

next:
	VMOVDQU (SI), X1

mul:
	MOVQ DX, R9
	SHLQ $4, R9
	VMOVDQU -16(R8)(R9*1), X9  // H^DX: DX counts down
	XMULADD(X9)
	ADDQ $16, SI
	DECQ DX
	JNZ  next
	REDUCE
	TESTQ CX, CX
	JNZ  group
	VMOVDQU X0, (DI)

done:
	RET

// func polyWideVPCLMUL(acc *[2]uint64, k *polyKey, blocks []byte)
//
// polyBlocksPCLMUL for whole pairs of blocks (len(blocks) a multiple of
// 32), up to polyWide blocks (32 pairs) to a reduction: the m blocks of a
// run are multiplied by H^m … H^1, read two at a time from k.wide (which
// starts at byte 128 of the key, H^64 first) from its (64-m)th entry on,
// each 256-bit register holding two blocks and their two powers. No
// product waits for another or for a reduction; the lanes' sums are added
// before the one reduction.
TEXT ·polyWideVPCLMUL(SB), NOSPLIT, $0-40
	ARGS(5, wdone)          // CX: pairs; the upper lane of Y0 is zero

wrun:
	MOVQ CX, DX              // this run's pairs: min(CX, 32)
	CMPQ DX, $32
	JBE  wsized
	MOVQ $32, DX

wsized:
	SUBQ DX, CX
	MOVQ $32, R9
	SUBQ DX, R9
	SHLQ $5, R9
	LEAQ 128(R8)(R9*1), R9   // &k.wide[64-2*DX]: H^(2*DX) first
	ZEROSUMS
	VMOVDQU (SI), Y1
	VPXOR Y0, Y1, Y1
	JMP  wmul

wnext:
	VMOVDQU (SI), Y1

wmul:
	VMOVDQU (R9), Y9
	VPCLMULQDQ $0x00, Y9, Y1, Y5
	VPXOR Y5, Y2, Y2
	VPCLMULQDQ $0x11, Y9, Y1, Y6
	VPXOR Y6, Y4, Y4
	VPSHUFD $0x4e, Y1, Y7
	VPXOR Y1, Y7, Y7         // a1+a0 in both halves
	VPCLMULQDQ $0x00, 1024(R9), Y7, Y5 // (a1+a0)(h1+h0): k.wideMid
	VPXOR Y5, Y3, Y3
	ADDQ $32, SI
	ADDQ $32, R9
	DECQ DX
	JNZ  wnext
	VPXOR Y2, Y3, Y3         // the middle product less a1h1 and a0h0
	VPXOR Y4, Y3, Y3
	VEXTRACTI128 $1, Y2, X5
	VPXOR X5, X2, X2
	VEXTRACTI128 $1, Y3, X5
	VPXOR X5, X3, X3
	VEXTRACTI128 $1, Y4, X5
	VPXOR X5, X4, X4
	REDUCE
	TESTQ CX, CX
	JNZ  wrun
	VMOVDQU X0, (DI)
	VZEROUPPER

wdone:
	RET

// FOLD4 adds the four 128-bit lanes of Z (its Y and X views) into its
// low lane, T scratch; the upper lanes are zero after it (VEX writes).
#define FOLD4(Z, Y, X, T, TX) \
	VEXTRACTI64X4 $1, Z, T; \
	VPXOR T, Y, Y; \
	VEXTRACTI128 $1, Y, TX; \
	VPXOR TX, X, X

// KMUL multiplies the blocks in B (four, two or one: Z, Y or X registers)
// by the powers of H in P and the middle powers at 1024(R9) (k.wideMid),
// Karatsuba's three products a block, and adds them to the 512-bit sums
// Z2 (low), Z3 (middle) and Z4 (high); T5-T7 are B's width of Z5-Z7, and
// XORW its exclusive or. A narrower write (VEX) zeroes Z5-Z7's upper lanes.
#define KMUL(B, P, T5, T6, T7, XORW) \
	VPCLMULQDQ $0x00, P, B, T5; \
	VPXORQ Z5, Z2, Z2; \
	VPCLMULQDQ $0x11, P, B, T6; \
	VPXORQ Z6, Z4, Z4; \
	VPSHUFD $0x4e, B, T7; \
	XORW B, T7, T7; \
	VPCLMULQDQ $0x00, 1024(R9), T7, T5; \
	VPXORQ Z5, Z3, Z3

// func polyWide512(acc *[2]uint64, k *polyKey, b []byte)
//
// polyWideVPCLMUL with 512-bit carry-less multiplies, four blocks an
// instruction, over the whole token b: its whole blocks, then its last
// bytes (fewer than 16) as a block read with a masked load that zeroes
// the rest, then the block of its length, made in a register (at most two
// such blocks: one call, one reduction, for a token of up to polyWide
// blocks in all). A run of m blocks is multiplied by H^m … H^1 four, then
// two, then one at a time; runs are cut from the end, so that the last
// two blocks are in the last run alone. acc is added to the run's first
// block (then cleared), as Horner's rule has it. Where a 512-bit
// multiply costs what a 256-bit one does (AMD Zen 4 here: 0.7 to 1.1 ns
// either), this halves the key's cost. The last blocks used to be copied
// to a zero-padded buffer by the caller: their 16- and 32-byte loads of
// bytes just stored could not be forwarded from the stores and waited for
// them.
TEXT ·polyWide512(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ k+8(FP), R8
	MOVQ b_base+16(FP), SI
	MOVQ b_len+24(FP), R15   // R15: the token's length
	MOVQ R15, CX
	SHRQ $4, CX              // CX: whole blocks not yet added
	MOVQ R15, R10
	ANDQ $15, R10            // R10: the last block's bytes (0: none)
	MOVQ $1, R12             // R12: the blocks after the whole ones
	CMPQ R10, $0
	SETNE AX
	MOVBQZX AX, AX
	ADDQ AX, R12
	LEAQ (CX)(R12*1), R13    // R13: blocks not yet in a run
	VMOVDQU (DI), X0         // the upper lanes of Z0 are zero
	MOVQ $0x87, AX
	MOVQ AX, X8
	LEAQ -1(R13), DX         // the first run: what is left over from runs of 64
	ANDQ $63, DX
	INCQ DX

zrun:
	SUBQ DX, R13
	MOVQ $64, R9
	SUBQ DX, R9
	SHLQ $4, R9
	LEAQ 128(R8)(R9*1), R9   // &k.wide[64-DX]: H^DX first
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	MOVQ DX, R14             // R14: this run's last blocks, DX: its whole ones
	CMPQ CX, DX
	CMOVQLT CX, DX
	SUBQ DX, R14
	SUBQ DX, CX
	CMPQ DX, $4
	JB   zpair

zquad:
	VMOVDQU64 (SI), Z1
	VPXORQ Z0, Z1, Z1
	VPXORQ Z0, Z0, Z0
	VMOVDQU64 (R9), Z9
	KMUL(Z1, Z9, Z5, Z6, Z7, VPXORQ)
	ADDQ $64, SI
	ADDQ $64, R9
	SUBQ $4, DX
	CMPQ DX, $4
	JAE  zquad

zpair:
	CMPQ DX, $2
	JB   zsingle
	VMOVDQU (SI), Y1
	VPXOR Y0, Y1, Y1
	VPXOR Y0, Y0, Y0
	VMOVDQU (R9), Y9
	KMUL(Y1, Y9, Y5, Y6, Y7, VPXOR) // VEX writes: the upper lanes of Z5-Z7 are zero
	ADDQ $32, SI
	ADDQ $32, R9
	SUBQ $2, DX

zsingle:
	TESTQ DX, DX
	JZ   zlast
	VMOVDQU (SI), X1
	VPXOR X0, X1, X1
	VPXOR X0, X0, X0
	VMOVDQU (R9), X9
	KMUL(X1, X9, X5, X6, X7, VPXOR)
	ADDQ $16, SI
	ADDQ $16, R9

zlast:
	TESTQ R14, R14           // the last blocks, in the last run: two at most
	JZ   zfold
	CMPQ R14, $1
	JEQ  zlength
	MOVQ $-1, AX             // the last bytes, zero-padded: R10 of them at SI
	BZHIQ R10, AX, AX
	KMOVQ AX, K2
	VMOVDQU8.Z (SI), K2, X1
	VPXOR X0, X1, X1
	VPXOR X0, X0, X0
	VMOVDQU (R9), X9
	KMUL(X1, X9, X5, X6, X7, VPXOR)
	ADDQ $16, R9

zlength:
	MOVQ R15, X1             // the length block: the length, low half
	VPXOR X0, X1, X1
	VPXOR X0, X0, X0
	VMOVDQU (R9), X9
	KMUL(X1, X9, X5, X6, X7, VPXOR)

zfold:
	VPXORQ Z2, Z3, Z3        // the middle product less a1h1 and a0h0
	VPXORQ Z4, Z3, Z3
	FOLD4(Z2, Y2, X2, Y5, X5)
	FOLD4(Z3, Y3, X3, Y5, X5)
	FOLD4(Z4, Y4, X4, Y5, X5)
	REDUCE
	MOVQ $64, DX
	TESTQ R13, R13
	JNZ  zrun
	VMOVDQU X0, (DI)
	VZEROUPPER
	RET
