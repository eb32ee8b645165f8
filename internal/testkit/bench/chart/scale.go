package chart

import (
	"math"
	"slices"
	"strconv"
)

// scale maps data values in [lo, hi] to pixels from p0 to p1.
type scale struct {
	log    bool
	lo, hi float64
	p0, p1 float64
	// step is the distance of a linear axis's ticks.
	step float64
}

// linearTicks is about how many ticks a linear axis gets.
const linearTicks = 5

// newScale fits a scale around values (at least one): a logarithmic one
// to whole decades, a linear one to multiples of a round tick step.
func newScale(log bool, values []float64, p0, p1 float64) scale {
	lo, hi := slices.Min(values), slices.Max(values)
	s := scale{log: log, p0: p0, p1: p1}
	if log {
		s.lo = math.Pow(10, math.Floor(math.Log10(lo)))
		s.hi = math.Pow(10, math.Ceil(math.Log10(hi)))
		if s.hi <= s.lo {
			s.hi = s.lo * 10
		}
		return s
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
		if lo < 0 && values[0] >= 0 {
			lo = 0
		}
	}
	s.step = niceStep((hi - lo) / linearTicks)
	s.lo = math.Floor(lo/s.step) * s.step
	s.hi = math.Ceil(hi/s.step) * s.step
	return s
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// at maps v to its pixel.
func (s scale) at(v float64) float64 {
	var frac float64
	if s.log {
		frac = (math.Log10(v) - math.Log10(s.lo)) / (math.Log10(s.hi) - math.Log10(s.lo))
	} else {
		frac = (v - s.lo) / (s.hi - s.lo)
	}
	return s.p0 + frac*(s.p1-s.p0)
}

// ticks lists the values that get a grid line and a label: a linear
// axis's steps; a logarithmic axis's decades, and their 2× and 5× when
// the axis spans at most two decades.
func (s scale) ticks() []float64 {
	var out []float64
	if !s.log {
		n := int(math.Round((s.hi - s.lo) / s.step))
		for i := 0; i <= n; i++ {
			out = append(out, roundSignificant(s.lo+float64(i)*s.step))
		}
		return out
	}
	decades := int(math.Round(math.Log10(s.hi / s.lo)))
	for d := 0; d <= decades; d++ {
		base := roundSignificant(s.lo * math.Pow(10, float64(d)))
		out = append(out, base)
		if decades <= 2 && d < decades {
			out = append(out, roundSignificant(2*base), roundSignificant(5*base))
		}
	}
	return out
}

// roundSignificant drops the float noise of computed ticks.
func roundSignificant(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// tickLabel writes a tick value briefly: thousands as "k", millions as
// "M", small values without exponent.
func tickLabel(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(roundSignificant(v/1e6), 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(roundSignificant(v/1e3), 'f', -1, 64) + "k"
	default:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
}
