// Package chart draws line charts as SVG documents, written by hand so that
// the benchmark report needs no plotting library: a title, a legend, and
// panels in a grid, each with its own axes (linear, or logarithmic with
// decade ticks), series drawn as polylines with point markers and optional
// vertical bars from a low to a high value. The same Chart always gives the
// same bytes.
//
// A logarithmic axis cannot show zero or negative values: points with such
// a coordinate are left out of that panel.
package chart

import (
	"fmt"
	"math"
	"strings"
)

// Chart is one SVG document.
type Chart struct {
	Title    string
	Subtitle string
	// Columns is how many panels stand side by side; 0 means all.
	Columns int
	Panels  []Panel
}

// Panel is one plot with its own axes.
type Panel struct {
	Title  string
	X, Y   Axis
	Series []Series
}

// Axis is one axis of a panel; its range comes from the data.
type Axis struct {
	Label string
	Log   bool
}

// Series is one line. Series with the same Name and Color share one entry
// of the legend.
type Series struct {
	Name  string
	Color string
	// Markers draws a dot at every point.
	Markers bool
	Points  []Point
}

// Point is one point; when Low < High a bar joins them at X.
type Point struct {
	X, Y      float64
	Low, High float64
}

// Sizes of the drawing, in SVG user units.
const (
	panelWidth   = 440
	minWidth     = 660
	panelHeight  = 300
	marginLeft   = 64
	marginRight  = 16
	marginTop    = 30
	marginBottom = 46
	headerHeight = 64
	fontSize     = 12
)

// SVG renders the chart.
func (c Chart) SVG() []byte {
	cols := c.Columns
	if cols <= 0 || cols > len(c.Panels) {
		cols = max(len(c.Panels), 1)
	}
	rows := (len(c.Panels) + cols - 1) / cols
	pw := max(panelWidth, minWidth/cols)
	width, height := cols*pw, headerHeight+max(rows, 1)*panelHeight
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="%d">`+"\n",
		width, height, width, height, fontSize)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	text(&b, 12, 20, "start", "bold", c.Title)
	text(&b, 12, 37, "start", "", c.Subtitle)
	c.legend(&b, 12, 55)
	for i, p := range c.Panels {
		x0, y0 := float64(i%cols*pw), float64(headerHeight+i/cols*panelHeight)
		p.draw(&b, x0, y0, float64(pw))
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// legend draws one swatch and name per distinct series, in order of first
// appearance.
func (c Chart) legend(b *strings.Builder, x, y float64) {
	seen := map[[2]string]bool{}
	for _, p := range c.Panels {
		for _, s := range p.Series {
			key := [2]string{s.Name, s.Color}
			if seen[key] || s.Name == "" {
				continue
			}
			seen[key] = true
			fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"/>`+"\n",
				f(x), f(y-4), f(x+18), f(y-4), attr(s.Color))
			text(b, x+24, y, "start", "", s.Name)
			x += 36 + float64(len([]rune(s.Name)))*7
		}
	}
}

// draw draws the panel, width wide, with its top left corner at x0, y0.
func (p Panel) draw(b *strings.Builder, x0, y0, width float64) {
	plotX, plotY := x0+marginLeft, y0+marginTop
	plotW, plotH := width-marginLeft-marginRight, float64(panelHeight-marginTop-marginBottom)
	text(b, x0+width/2, y0+18, "middle", "bold", p.Title)
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#888"/>`+"\n",
		f(plotX), f(plotY), f(plotW), f(plotH))
	xs, ys := p.values()
	if len(xs) == 0 {
		text(b, plotX+plotW/2, plotY+plotH/2, "middle", "", "no data")
		return
	}
	sx := newScale(p.X.Log, xs, plotX, plotX+plotW)
	sy := newScale(p.Y.Log, ys, plotY+plotH, plotY)
	for _, t := range sx.ticks() {
		x := sx.at(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`+"\n", f(x), f(plotY), f(x), f(plotY+plotH))
		text(b, x, plotY+plotH+16, "middle", "", tickLabel(t))
	}
	for _, t := range sy.ticks() {
		y := sy.at(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`+"\n", f(plotX), f(y), f(plotX+plotW), f(y))
		text(b, plotX-6, y+4, "end", "", tickLabel(t))
	}
	text(b, plotX+plotW/2, y0+panelHeight-8, "middle", "", p.X.Label)
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" transform="rotate(-90 %s %s)">%s</text>`+"\n",
		f(x0+14), f(plotY+plotH/2), f(x0+14), f(plotY+plotH/2), escape(p.Y.Label))
	for _, s := range p.Series {
		p.drawSeries(b, s, sx, sy)
	}
}

// values lists the coordinates the panel's axes can show.
func (p Panel) values() (xs, ys []float64) {
	for _, s := range p.Series {
		for _, pt := range p.visible(s.Points) {
			xs, ys = append(xs, pt.X), append(ys, pt.Y)
			if pt.Low < pt.High {
				ys = append(ys, pt.High)
				if !p.Y.Log || pt.Low > 0 {
					ys = append(ys, pt.Low)
				}
			}
		}
	}
	return xs, ys
}

// visible keeps the points a logarithmic axis can show.
func (p Panel) visible(points []Point) []Point {
	var out []Point
	for _, pt := range points {
		if (p.X.Log && pt.X <= 0) || (p.Y.Log && pt.Y <= 0) || !finite(pt.X) || !finite(pt.Y) {
			continue
		}
		out = append(out, pt)
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (p Panel) drawSeries(b *strings.Builder, s Series, sx, sy scale) {
	points := p.visible(s.Points)
	if len(points) == 0 {
		return
	}
	color := attr(s.Color)
	var coords []string
	for _, pt := range points {
		coords = append(coords, f(sx.at(pt.X))+","+f(sy.at(pt.Y)))
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(coords, " "), color)
	for _, pt := range points {
		x := sx.at(pt.X)
		if pt.Low < pt.High {
			low := pt.Low
			if p.Y.Log && low <= 0 {
				low = sy.lo
			}
			y1, y2 := sy.at(low), sy.at(pt.High)
			fmt.Fprintf(b, `<path d="M%s %sV%sM%s %sH%sM%s %sH%s" stroke="%s"/>`+"\n",
				f(x), f(y1), f(y2), f(x-4), f(y1), f(x+4), f(x-4), f(y2), f(x+4), color)
		}
		if s.Markers {
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", f(x), f(sy.at(pt.Y)), color)
		}
	}
}

// text draws an escaped label; empty labels draw nothing.
func text(b *strings.Builder, x, y float64, anchor, weight, s string) {
	if s == "" {
		return
	}
	bold := ""
	if weight != "" {
		bold = ` font-weight="` + weight + `"`
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s"%s>%s</text>`+"\n", f(x), f(y), anchor, bold, escape(s))
}

// f formats a coordinate with one decimal.
func f(v float64) string { return fmt.Sprintf("%.1f", v) }

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func escape(s string) string { return escaper.Replace(s) }

// attr escapes an attribute value such as a color.
func attr(s string) string {
	if s == "" {
		return "black"
	}
	return escape(s)
}
