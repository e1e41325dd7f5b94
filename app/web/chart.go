package web

import (
	"fmt"
	"strconv"
	"strings"
)

// usageChart is a line chart of views and downloads over time, drawn on the
// server as inline SVG (no script, no external service) with a title, a
// description and the same figures as a table for screen readers and
// anyone who prefers numbers.
type usageChart struct {
	Granularity string // day or month
	Width       int
	Height      int
	Plot        chartBox
	Views       string // SVG polyline points
	Downloads   string
	Ticks       []chartTick // y axis
	Labels      []chartTick // x axis
	Rows        []chartRow
	Description string
}

// chartBox is the plotting area inside the axes.
type chartBox struct{ Left, Top, Right, Bottom int }

// chartTick is one axis label and where it goes.
type chartTick struct {
	X, Y  int
	Label string
}

// chartRow is one period of the data table.
type chartRow struct {
	Period           string
	Views, Downloads int64
}

// newUsageChart lays out the chart: both series share one y scale that
// starts at zero and ends at a round number.
func newUsageChart(granularity string, periods []string, views, downloads []int64) *usageChart {
	c := &usageChart{Granularity: granularity, Width: 640, Height: 240,
		Plot: chartBox{Left: 48, Top: 12, Right: 628, Bottom: 204}}
	var peak, sumV, sumD int64
	for i, p := range periods {
		c.Rows = append(c.Rows, chartRow{p, views[i], downloads[i]})
		peak = max(peak, views[i], downloads[i])
		sumV, sumD = sumV+views[i], sumD+downloads[i]
	}
	top := niceCeiling(peak)
	x := func(i int) int {
		if len(periods) == 1 {
			return (c.Plot.Left + c.Plot.Right) / 2
		}
		return c.Plot.Left + i*(c.Plot.Right-c.Plot.Left)/(len(periods)-1)
	}
	y := func(v int64) int {
		return c.Plot.Bottom - int(v*int64(c.Plot.Bottom-c.Plot.Top)/top)
	}
	c.Views, c.Downloads = polyline(views, x, y), polyline(downloads, x, y)
	for i := int64(0); i <= 4; i++ {
		v := top * i / 4
		c.Ticks = append(c.Ticks, chartTick{X: c.Plot.Left - 6, Y: y(v), Label: strconv.FormatInt(v, 10)})
	}
	step := max(1, (len(periods)+5)/6)
	for i := 0; i < len(periods); i += step {
		c.Labels = append(c.Labels, chartTick{X: x(i), Y: c.Plot.Bottom + 18, Label: periods[i]})
	}
	unit := "day"
	if granularity == "month" {
		unit = "month"
	}
	c.Description = fmt.Sprintf("Views and downloads per %s from %s to %s: %d views and %d downloads in all.",
		unit, periods[0], periods[len(periods)-1], sumV, sumD)
	return c
}

func polyline(vals []int64, x func(int) int, y func(int64) int) string {
	var b strings.Builder
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d,%d", x(i), y(v))
	}
	return b.String()
}

// niceCeiling is the smallest of 4, 8, 20, 40, 80, 200... at least v: a
// round top for the y axis that divides into four whole ticks.
func niceCeiling(v int64) int64 {
	for base := int64(4); ; base *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if base*m >= v {
				return base * m
			}
		}
	}
}
