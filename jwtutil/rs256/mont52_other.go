//go:build !amd64 || purego

package rs256

const haveIFMA = false

func amm52(out, a, b, n *limbs, k0 uint64) { panic("rs256: no vector code on this CPU") }

func carry52(*limbs) { panic("rs256: no vector code on this CPU") }
