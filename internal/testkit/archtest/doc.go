// Package archtest holds no code: its tests check the shape of the whole
// module — which package may import which, and that every package states
// its job in exactly one package doc.
package archtest
