//go:build !purego

#include "textflag.h"

// func countNLAVX512(b []byte) int
// The newlines in b: 64 bytes a compare into a mask register, counted
// with POPCNT, four blocks a step; the last bytes by a masked load, which
// reads nothing past b.
TEXT ·countNLAVX512(SB), NOSPLIT, $0-32
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	XORQ AX, AX
	MOVQ $0x0a0a0a0a0a0a0a0a, DX
	VPBROADCASTQ DX, Z1

loop256:
	CMPQ CX, $256
	JB   loop64
	VPCMPEQB (SI), Z1, K1
	VPCMPEQB 64(SI), Z1, K2
	VPCMPEQB 128(SI), Z1, K3
	VPCMPEQB 192(SI), Z1, K4
	KMOVQ K1, R8
	KMOVQ K2, R9
	KMOVQ K3, R10
	KMOVQ K4, R11
	POPCNTQ R8, R8
	POPCNTQ R9, R9
	POPCNTQ R10, R10
	POPCNTQ R11, R11
	ADDQ R8, AX
	ADDQ R9, R10
	ADDQ R11, AX
	ADDQ R10, AX
	ADDQ $256, SI
	SUBQ $256, CX
	JMP  loop256

loop64:
	CMPQ CX, $64
	JB   tail
	VPCMPEQB (SI), Z1, K1
	KMOVQ K1, R8
	POPCNTQ R8, R8
	ADDQ R8, AX
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  loop64

tail:
	TESTQ CX, CX
	JZ    done
	MOVQ  $-1, R9
	BZHIQ CX, R9, R9
	KMOVQ R9, K5
	VMOVDQU8.Z (SI), K5, Z2
	VPCMPEQB Z2, Z1, K5, K1
	KMOVQ K1, R8
	POPCNTQ R8, R8
	ADDQ R8, AX

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
