// Package archtest holds no code: its tests check the shape of the whole
// module — which package may import which, that every package states its
// job in exactly one package doc, and that every fuzz target has a
// committed seed corpus.
package archtest
