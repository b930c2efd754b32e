//go:build !purego

#include "textflag.h"

// The set's tables are tokenTables (tokenrun.go): by low nibble, by high
// nibble, 0x0f, '.'; a byte is in the set when its two lookups share a bit.

// RUNARGS loads tokenRun's arguments (line []byte, i int, d *runDots):
// SI, CX the line, AX i, R8 d and R9 d.n.
#define RUNARGS \
	MOVQ line_base+0(FP), SI; \
	MOVQ line_len+8(FP), CX; \
	MOVQ i+24(FP), AX; \
	MOVQ d+32(FP), R8; \
	MOVQ 24(R8), R9

// NEXTBLOCK sets DX to the end of the block of N bytes at AX, going to
// DONE when the line has fewer than N bytes left there.
#define NEXTBLOCK(N, DONE) \
	LEAQ N(AX), DX; \
	CMPQ DX, CX; \
	JA   DONE

// DOTS records a block's dots and says where the run goes, for both
// loops: BX holds the block's bytes outside the set, DI its dots (a bit
// a byte), AX the block's start and DX the next block's; R8 is d and R9
// d.n. With no byte outside the set, the dots are recorded and the loop
// goes on at NEXT (AX = DX); else only the dots before the first such
// byte, and AX is left there, the run's end.
#define DOTS(NEXT) \
	XORL R12, R12; \
	TESTQ BX, BX; \
	JZ   dots; \
	LEAQ -1(BX), R11; \
	MOVQ BX, R13; \
	NOTQ R13; \
	ANDQ R13, R11; \
	ANDQ R11, DI; \
	MOVL $1, R12; \
dots: \
	TESTQ DI, DI; \
	JZ   dotsdone; \
	BSFQ DI, R10; \
	ADDQ AX, R10; \
	CMPQ R9, $3; \
	JAE  counted; \
	MOVQ R10, (R8)(R9*8); \
counted: \
	INCQ R9; \
	LEAQ -1(DI), R11; \
	ANDQ R11, DI; \
	JMP  dots; \
dotsdone: \
	TESTL R12, R12; \
	JNZ  dotslast; \
	MOVQ DX, AX; \
	JMP  NEXT; \
dotslast: \
	BSFQ BX, BX; \
	ADDQ BX, AX

// func tokenRunAVX2(line []byte, i int, d *runDots) int
TEXT ·tokenRunAVX2(SB), NOSPLIT, $0-48
	RUNARGS
	VMOVDQU ·tokenTables+0(SB), Y6
	VMOVDQU ·tokenTables+32(SB), Y7
	VMOVDQU ·tokenTables+64(SB), Y8
	VPXOR Y9, Y9, Y9
	VMOVDQU ·tokenTables+96(SB), Y10

	// Two blocks a step while neither has a dot or a byte outside the set
	// (most of a token), then one block at a time.
loop64:
	NEXTBLOCK(64, loop)
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
	NEXTBLOCK(32, done)
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
	JNZ  special
	TESTL DI, DI
	JNZ  special
	MOVQ DX, AX
	JMP  loop64

special:
	DOTS(loop64)

done:
	MOVQ R9, 24(R8)
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET

// func gapNextAVX2(line []byte, i, from int, kw *[2]int) int
// The stop bytes are gapTables' five (extract.go) and any byte with its
// top bit set. A 'B' or '_' is looked at here, not returned: where it
// starts "Bearer", or ends the "access" of an "access_token" that starts
// at or after from (the gap's start), and kw has none yet, its position
// goes in kw[0] or kw[1] (scanLine's firstB and firstU); either way the
// search goes on. What is left when fewer than 32 bytes remain is the
// caller's, 'B' and '_' included.
TEXT ·gapNextAVX2(SB), NOSPLIT, $0-56
	VMOVDQU ·gapTables+0(SB), Y6
	VMOVDQU ·gapTables+32(SB), Y7
	VMOVDQU ·gapTables+64(SB), Y8
	VMOVDQU ·gapTables+96(SB), Y9
	VMOVDQU ·gapTables+128(SB), Y10
	MOVQ line_base+0(FP), SI
	MOVQ line_len+8(FP), CX
	MOVQ i+24(FP), AX
	MOVQ from+32(FP), R13 // the gap's start
	MOVQ kw+40(FP), R12
	MOVQ $0x745f737365636361, DI // "access_t", little-endian

gaploop:
	NEXTBLOCK(32, gapdone)
	VMOVDQU (SI)(AX*1), Y0
	VPCMPEQB Y6, Y0, Y1
	VPCMPEQB Y7, Y0, Y2
	VPCMPEQB Y8, Y0, Y3
	VPCMPEQB Y9, Y0, Y4
	VPCMPEQB Y10, Y0, Y5
	VPOR Y1, Y2, Y1
	VPOR Y3, Y4, Y3
	VPOR Y5, Y0, Y5
	VPOR Y1, Y3, Y1
	VPOR Y1, Y5, Y1
	VPMOVMSKB Y1, BX
	TESTL BX, BX
	JNZ  gapbits
	MOVQ DX, AX
	JMP  gaploop

gapbits:
	// The block's stops in order (BX); DX is still the next block.
	BSFL BX, R8
	LEAQ (AX)(R8*1), R9
	MOVBLZX (SI)(R9*1), R10
	CMPL R10, $0x42 // 'B'
	JEQ  gapB
	CMPL R10, $0x5f // '_'
	JEQ  gapU
	MOVQ R9, AX
	JMP  gapdone

gapB:
	CMPQ 0(R12), $0
	JGE  gapnext // the gap's first Bearer is known
	LEAQ 6(R9), R11
	CMPQ R11, CX
	JA   gapnext
	CMPL (SI)(R9*1), $0x72616542 // "Bear"
	JNE  gapnext
	CMPW 4(SI)(R9*1), $0x7265 // "er"
	JNE  gapnext
	MOVQ R9, 0(R12)
	JMP  gapnext

gapU:
	CMPQ 8(R12), $0
	JGE  gapnext
	LEAQ -6(R9), R11 // where "access_token" would start
	CMPQ R11, R13
	JLT  gapnext
	LEAQ 6(R9), R10
	CMPQ R10, CX
	JA   gapnext
	CMPQ DI, (SI)(R11*1)
	JNE  gapnext
	CMPL 2(SI)(R9*1), $0x6e656b6f // "oken"
	JNE  gapnext
	MOVQ R9, 8(R12)

gapnext:
	LEAL -1(BX), R11
	ANDL R11, BX
	JNZ  gapbits
	MOVQ DX, AX
	JMP  gaploop

gapdone:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func tokenRunAVX512(line []byte, i int, d *runDots) int
// tokenRunAVX2 64 bytes a step: the set's test and the dots' compare
// each give a mask register, one test for both (AVX-512BW).
TEXT ·tokenRunAVX512(SB), NOSPLIT, $0-48
	RUNARGS
	VBROADCASTI32X4 ·tokenTables+0(SB), Z6  // by low nibble
	VBROADCASTI32X4 ·tokenTables+32(SB), Z7 // by high nibble
	MOVL $0x0f, R11
	VPBROADCASTB R11, Z8
	MOVL $0x2e, R11 // '.'
	VPBROADCASTB R11, Z10

run64:
	NEXTBLOCK(64, run64done)
	VMOVDQU64 (SI)(AX*1), Z0
	VPSRLW $4, Z0, Z1
	VPANDQ Z8, Z0, Z2
	VPANDQ Z8, Z1, Z1
	VPSHUFB Z2, Z6, Z2
	VPSHUFB Z1, Z7, Z1
	VPTESTNMB Z1, Z2, K1 // outside the set
	VPCMPEQB Z10, Z0, K2 // dots
	KORTESTQ K1, K2
	JNZ  run64special
	MOVQ DX, AX
	JMP  run64

run64special:
	KMOVQ K1, BX
	KMOVQ K2, DI
	DOTS(run64)

run64done:
	MOVQ R9, 24(R8)
	VZEROUPPER
	MOVQ AX, ret+40(FP)
	RET
