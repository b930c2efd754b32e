//go:build !purego

#include "textflag.h"

// Registers: the accumulator in Z0-Z4 (limbs 0-39, eight a register), b
// in Z16-Z20, N in Z21-Z25; Z26 is aᵢ in every lane, Z27 is mᵢ, Z30 is
// k0, Z28 zero; K1 selects lane 0.
//
// Step i adds aᵢ·b and mᵢ·N to the accumulator, mᵢ chosen so that limb 0
// becomes a multiple of 2^52, then shifts the accumulator down a limb
// (its limb 0's carry added to the new limb 0). A 52×52-bit product has a
// low half (VPMADD52LUQ), added at the limb's own place, and a high half
// (VPMADD52HUQ), which belongs a limb up: after the shift, at the same
// register place. After forty steps the accumulator is (a·b + m·N)/2^2080.
// A limb takes at most four halves a step for forty steps plus the carries,
// under 2^61: nothing overflows 64 bits before mont52.mul carries.
//
// A step waits for the one before through limb 0 alone (mᵢ is computed
// from it), so what Z0 waits for is kept short: mᵢ is made in the vector
// unit (a multiply-add of the broadcast limb by k0 into zero gives
// limb·k0 mod 2^52 in every lane, no trip through a general register), the
// carry is a masked shift, and the high halves of aᵢ·b for Z0, which do
// not depend on mᵢ, are made on the side (Z6) and added. 21 multiply-adds
// a step, about as many cycles as the chain through Z0 takes.

// LOADLIMBS loads the forty limbs at base into five registers, eight
// each; STORELIMBS stores them.
#define LOADLIMBS(base, r0, r1, r2, r3, r4) \
	VMOVDQU64 0(base), r0; \
	VMOVDQU64 64(base), r1; \
	VMOVDQU64 128(base), r2; \
	VMOVDQU64 192(base), r3; \
	VMOVDQU64 256(base), r4

#define STORELIMBS(base) \
	VMOVDQU64 Z0, 0(base); \
	VMOVDQU64 Z1, 64(base); \
	VMOVDQU64 Z2, 128(base); \
	VMOVDQU64 Z3, 192(base); \
	VMOVDQU64 Z4, 256(base)

// CARRY carries the limbs in Z0-Z4 (up to 2^61 each) into 52 bits, all
// at once: each limb keeps its low 52 bits and takes the bits above them
// of the limb below (a lane up: VALIGNQ $7 of the carries, the one
// below's last lane first). That leaves a limb at most 2^52 + 2^9 - 1,
// over 52 bits only where it was nearly 2^52 already: then another round
// (the carry ripples, as far as it must). The top limb's carry is
// dropped: 0 for a product (below 2N < 2^2049). Z28 must be zero; Z5-Z14
// and Z29 are scratch, K2 too.
#define CARRY \
	MOVQ $0xfffffffffffff, AX; \
	VPBROADCASTQ AX, Z29; \
carry: \
	VPSRLQ $52, Z0, Z5; \
	VPSRLQ $52, Z1, Z6; \
	VPSRLQ $52, Z2, Z7; \
	VPSRLQ $52, Z3, Z8; \
	VPSRLQ $52, Z4, Z9; \
	VPANDQ Z29, Z0, Z0; \
	VPANDQ Z29, Z1, Z1; \
	VPANDQ Z29, Z2, Z2; \
	VPANDQ Z29, Z3, Z3; \
	VPANDQ Z29, Z4, Z4; \
	VALIGNQ $7, Z28, Z5, Z10; \
	VALIGNQ $7, Z5, Z6, Z11; \
	VALIGNQ $7, Z6, Z7, Z12; \
	VALIGNQ $7, Z7, Z8, Z13; \
	VALIGNQ $7, Z8, Z9, Z14; \
	VPADDQ Z10, Z0, Z0; \
	VPADDQ Z11, Z1, Z1; \
	VPADDQ Z12, Z2, Z2; \
	VPADDQ Z13, Z3, Z3; \
	VPADDQ Z14, Z4, Z4; \
	VPORQ Z0, Z1, Z10; \
	VPORQ Z2, Z3, Z11; \
	VPORQ Z4, Z10, Z10; \
	VPORQ Z11, Z10, Z10; \
	VPSRLQ $52, Z10, Z10; \
	VPTESTMQ Z10, Z10, K2; \
	KORTESTW K2, K2; \
	JNZ carry

// func amm52(out, a, b, n *limbs, k0 uint64)
TEXT ·amm52(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ n+24(FP), CX
	VPBROADCASTQ k0+32(FP), Z30
	MOVQ $1, AX
	KMOVW AX, K1

	LOADLIMBS(BX, Z16, Z17, Z18, Z19, Z20)
	LOADLIMBS(CX, Z21, Z22, Z23, Z24, Z25)
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5 // lanes 1-7 stay zero: only lane 0 is ever written
	VPXORQ Z28, Z28, Z28
	MOVQ $40, R10

step:
	VPBROADCASTQ (SI), Z26
	VPXORQ Z6, Z6, Z6
	VPMADD52HUQ Z16, Z26, Z6 // Z0's high halves of aᵢ·b, off the chain
	VPMADD52LUQ Z16, Z26, Z0
	VPMADD52LUQ Z17, Z26, Z1
	VPMADD52LUQ Z18, Z26, Z2
	VPMADD52LUQ Z19, Z26, Z3
	VPMADD52LUQ Z20, Z26, Z4

	// mᵢ = limb 0 · k0 mod 2^52, in every lane
	VPBROADCASTQ X0, Z29
	VPXORQ Z27, Z27, Z27
	VPMADD52LUQ Z30, Z29, Z27
	VPMADD52LUQ Z21, Z27, Z0
	VPMADD52LUQ Z22, Z27, Z1
	VPMADD52LUQ Z23, Z27, Z2
	VPMADD52LUQ Z24, Z27, Z3
	VPMADD52LUQ Z25, Z27, Z4

	// limb 0 is now a multiple of 2^52: its carry goes to the next limb,
	// and every limb moves down one place.
	VPSRLQ $52, Z0, K1, Z5
	VALIGNQ $1, Z0, Z1, Z0
	VALIGNQ $1, Z1, Z2, Z1
	VALIGNQ $1, Z2, Z3, Z2
	VALIGNQ $1, Z3, Z4, Z3
	VALIGNQ $1, Z4, Z28, Z4
	VPADDQ Z5, Z0, Z0
	VPADDQ Z6, Z0, Z0

	VPMADD52HUQ Z17, Z26, Z1
	VPMADD52HUQ Z18, Z26, Z2
	VPMADD52HUQ Z19, Z26, Z3
	VPMADD52HUQ Z20, Z26, Z4
	VPMADD52HUQ Z21, Z27, Z0
	VPMADD52HUQ Z22, Z27, Z1
	VPMADD52HUQ Z23, Z27, Z2
	VPMADD52HUQ Z24, Z27, Z3
	VPMADD52HUQ Z25, Z27, Z4

	ADDQ $8, SI
	DECQ R10
	JNZ step

	CARRY

	STORELIMBS(DI)
	VZEROUPPER
	RET

// func carry52(x *limbs)
// CARRY alone, on x, for the tests: rounds after the first are needed too
// rarely for products to reach them.
TEXT ·carry52(SB), NOSPLIT, $0-8
	MOVQ x+0(FP), DI
	LOADLIMBS(DI, Z0, Z1, Z2, Z3, Z4)
	VPXORQ Z28, Z28, Z28
	CARRY
	STORELIMBS(DI)
	VZEROUPPER
	RET
