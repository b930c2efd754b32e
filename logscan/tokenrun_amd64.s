//go:build !purego

#include "textflag.h"

// Set membership by nibbles (the base64url alphabet plus '.'): a byte c is
// in the set when lo[c&15] & hi[c>>4] is not zero. Each bit stands for one
// range of the set within a row of 16 characters:
//   1: 0x2D-0x2E (- .)   2: 0x30-0x39 (0-9)   4: 0x41-0x4F, 0x61-0x6F
//   8: 0x50-0x5A, 0x70-0x7A   16: 0x5F (_)
// Rows 8-F (bytes over 0x7F) are all zero. VPSHUFB looks up within each
// 16-byte lane, so each table is there twice.
DATA tokenlo<>+0x00(SB)/8, $0x0e0e0e0e0e0e0e0a
DATA tokenlo<>+0x08(SB)/8, $0x14050504040c0e0e
DATA tokenlo<>+0x10(SB)/8, $0x0e0e0e0e0e0e0e0a
DATA tokenlo<>+0x18(SB)/8, $0x14050504040c0e0e
GLOBL tokenlo<>(SB), RODATA|NOPTR, $32

DATA tokenhi<>+0x00(SB)/8, $0x0804180402010000
DATA tokenhi<>+0x08(SB)/8, $0x0000000000000000
DATA tokenhi<>+0x10(SB)/8, $0x0804180402010000
DATA tokenhi<>+0x18(SB)/8, $0x0000000000000000
GLOBL tokenhi<>(SB), RODATA|NOPTR, $32

DATA tokennib<>+0x00(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA tokennib<>+0x08(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA tokennib<>+0x10(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA tokennib<>+0x18(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL tokennib<>(SB), RODATA|NOPTR, $32

DATA tokendot<>+0x00(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA tokendot<>+0x08(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA tokendot<>+0x10(SB)/8, $0x2e2e2e2e2e2e2e2e
DATA tokendot<>+0x18(SB)/8, $0x2e2e2e2e2e2e2e2e
GLOBL tokendot<>(SB), RODATA|NOPTR, $32

// func tokenRunAVX2(line []byte, i int, d *runDots) int
TEXT ·tokenRunAVX2(SB), NOSPLIT, $0-48
	MOVQ line_base+0(FP), SI
	MOVQ line_len+8(FP), CX
	MOVQ i+24(FP), AX
	MOVQ d+32(FP), R8
	MOVQ 24(R8), R9          // d.n
	VMOVDQU tokenlo<>(SB), Y6
	VMOVDQU tokenhi<>(SB), Y7
	VMOVDQU tokennib<>(SB), Y8
	VPXOR Y9, Y9, Y9
	VMOVDQU tokendot<>(SB), Y10

	// Two blocks a step while neither has a dot or a byte outside the set
	// (most of a token), then one block at a time.
loop64:
	LEAQ 64(AX), DX
	CMPQ DX, CX
	JA   loop
	VMOVDQU (SI)(AX*1), Y0
	VMOVDQU 32(SI)(AX*1), Y4
	VPSRLW $4, Y0, Y1
	VPSRLW $4, Y4, Y5
	VPAND Y8, Y0, Y2
	VPAND Y8, Y4, Y11
	VPAND Y8, Y1, Y1
	VPAND Y8, Y5, Y5
	VPSHUFB Y2, Y6, Y2
	VPSHUFB Y11, Y6, Y11
	VPSHUFB Y1, Y7, Y1
	VPSHUFB Y5, Y7, Y5
	VPAND Y1, Y2, Y2
	VPAND Y5, Y11, Y11
	VPCMPEQB Y9, Y2, Y2
	VPCMPEQB Y9, Y11, Y11
	VPCMPEQB Y10, Y0, Y3
	VPCMPEQB Y10, Y4, Y12
	VPOR Y2, Y11, Y2
	VPOR Y3, Y12, Y3
	VPOR Y2, Y3, Y3
	VPTEST Y3, Y3
	JNZ  loop
	MOVQ DX, AX
	JMP  loop64

loop:
	LEAQ 32(AX), DX
	CMPQ DX, CX
	JA   done
	VMOVDQU (SI)(AX*1), Y0
	VPSRLW $4, Y0, Y1
	VPAND Y8, Y0, Y2
	VPAND Y8, Y1, Y1
	VPSHUFB Y2, Y6, Y2
	VPSHUFB Y1, Y7, Y1
	VPAND Y1, Y2, Y2
	VPCMPEQB Y9, Y2, Y2      // 0xFF where the byte is outside the set
	VPMOVMSKB Y2, BX
	VPCMPEQB Y10, Y0, Y3
	VPMOVMSKB Y3, DI         // dots
	TESTL BX, BX
	JNZ  last
	TESTL DI, DI
	JNZ  dots
	MOVQ DX, AX
	JMP  loop64

dots:
	BSFL DI, R10
	ADDQ AX, R10
	CMPQ R9, $3
	JAE  dotcounted
	MOVQ R10, (R8)(R9*8)
dotcounted:
	INCQ R9
	LEAL -1(DI), R11
	ANDL R11, DI
	JNZ  dots
	MOVQ DX, AX
	JMP  loop64

last:
	// Only the dots before the first byte outside the set count.
	LEAL -1(BX), R11
	NOTL BX
	ANDL BX, R11             // the bits below the lowest bit of the old BX
	NOTL BX
	ANDL R11, DI
lastdots:
	TESTL DI, DI
	JZ   lastdone
	BSFL DI, R10
	ADDQ AX, R10
	CMPQ R9, $3
	JAE  lastcounted
	MOVQ R10, (R8)(R9*8)
lastcounted:
	INCQ R9
	LEAL -1(DI), R11
	ANDL R11, DI
	JMP  lastdots
lastdone:
	BSFL BX, BX
	ADDQ BX, AX

done:
	MOVQ R9, 24(R8)
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET
