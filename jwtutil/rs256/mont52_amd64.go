//go:build !purego

package rs256

import "golang.org/x/sys/cpu"

var haveIFMA = cpu.X86.HasAVX512F && cpu.X86.HasAVX512IFMA

// amm52 sets out to the limbs of a·b + m·N, divided by R = 2^2080, with m
// chosen (a limb at a time, from k0 = -N⁻¹ mod 2^52) so that the division
// is exact: Montgomery's product, its limbs carried into 52 bits. a, b
// and n must have limbs below 2^52; out may be a or b (it is written
// last).
//
//go:noescape
func amm52(out, a, b, n *limbs, k0 uint64)

// carry52 carries x's limbs into 52 bits as amm52 does its result (the
// top limb's carry dropped); for the tests.
//
//go:noescape
func carry52(x *limbs)
