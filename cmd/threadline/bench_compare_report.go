package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// compareReport is what bench compare prints: every run, their medians per
// scenario and target, and issue 14's ratios against their targets.
type compareReport struct {
	Config    compareConfig     `json:"config"`
	Versions  map[string]string `json:"versions"`
	Scenarios []scenario        `json:"scenarios"`
	Runs      []measurement     `json:"runs"`
	Rows      []row             `json:"rows"`
	Checks    []check           `json:"checks"`
	Notes     []string          `json:"notes,omitempty"`
}

// row is the medians of one scenario's runs against one target.
type row struct {
	Scenario   string    `json:"scenario"`
	Target     string    `json:"target"`
	Clients    int       `json:"clients"`
	Unit       string    `json:"unit"`
	Reps       int       `json:"reps"` // runs that measured
	Failed     int       `json:"failed"`
	Throughput float64   `json:"throughput"` // median
	P50MS      float64   `json:"p50_ms"`     // median of the runs' p50
	P99MS      float64   `json:"p99_ms"`     // median of the runs' p99
	Errors     int       `json:"errors"`     // failed requests, all runs
	PerRep     []float64 `json:"throughput_per_rep"`
}

// check is one figure of issue 14 against its target: a ratio of two rows'
// throughputs (at least Target) or a latency (below Target ms).
type check struct {
	Name    string  `json:"name"`
	Kind    string  `json:"kind"` // "ratio" or "p99"
	Of      string  `json:"of"`   // row key: scenario or scenario@baseline
	Over    string  `json:"over,omitempty"`
	Value   float64 `json:"value"`
	Target  float64 `json:"target"`
	Met     bool    `json:"met"`
	Missing string  `json:"missing,omitempty"` // why there is no value
	Note    string  `json:"note,omitempty"`
}

// rowKey names a row in checks: the scenario, with "@baseline" for the
// baseline target.
func rowKey(scen, target string) string {
	if target == targetBaseline {
		return scen + "@" + targetBaseline
	}
	return scen
}

// median of xs (the mean of the middle two for an even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

// compute fills Rows and Checks from Runs.
func (r *compareReport) compute() {
	r.Rows = nil
	for _, s := range r.Scenarios {
		for _, t := range []string{targetCurrent, targetBaseline} {
			row := row{Scenario: s.Name, Target: t, Clients: s.Clients}
			var tp, p50, p99 []float64
			for _, m := range r.Runs {
				if m.Scenario != s.Name || m.Target != t {
					continue
				}
				if m.Summary == nil {
					row.Failed++
					continue
				}
				row.Unit = m.Summary.Unit
				row.Errors += m.Summary.Errors
				tp, p50, p99 = append(tp, m.Summary.Throughput), append(p50, m.Summary.P50MS), append(p99, m.Summary.P99MS)
			}
			if len(tp) == 0 && row.Failed == 0 {
				continue
			}
			row.Reps, row.PerRep = len(tp), tp
			row.Throughput, row.P50MS, row.P99MS = median(tp), median(p50), median(p99)
			r.Rows = append(r.Rows, row)
		}
	}
	n := r.Config.Clients
	c := func(kind string) string { return fmt.Sprintf("%s-%d", kind, n) }
	listNote := ""
	if r.Config.ListThreads < 1_000_000 {
		listNote = fmt.Sprintf("issue 14 states it on 1,000,000 threads; this run seeded %d (--list-threads)", r.Config.ListThreads)
	}
	r.Checks = []check{
		r.ratio(fmt.Sprintf("createThread SQLite API / SQLite floor, %d clients", n), c("create-sqlite"), c("floor-sqlite"), 0.5, ""),
		r.ratio(fmt.Sprintf("createThread PostgreSQL API / SQLite API, %d clients", n), c("create-postgres"), c("create-sqlite"), 0.7, ""),
		r.ratio(fmt.Sprintf("createThread PostgreSQL API / PostgreSQL floor, %d clients", n), c("create-postgres"), c("floor-postgres"), 0.5, ""),
		r.p99(fmt.Sprintf("createThread PostgreSQL p99, %d clients", n), c("create-postgres"), 100, ""),
		r.ratio(fmt.Sprintf("threads(first: 25) SDK ThreadParts pages/s, current / baseline, %d clients", n),
			c("list-sqlite"), rowKey(c("list-sqlite"), targetBaseline), 4, ""),
		r.p99("threads(first: 25) SDK ThreadParts p99, 1 client", "list-sqlite-1", 20, listNote),
	}
	if r.Config.Baseline != "" {
		for _, s := range []string{c("create-sqlite"), c("create-postgres")} {
			if r.row(s) != nil {
				r.Checks = append(r.Checks, r.ratio(s+" current / baseline (no target)", s, rowKey(s, targetBaseline), 0, ""))
			}
		}
	}
}

// row returns the row of key (see rowKey), nil if none measured.
func (r *compareReport) row(key string) *row {
	scen, target, _ := strings.Cut(key, "@")
	if target == "" {
		target = targetCurrent
	}
	for i := range r.Rows {
		if w := &r.Rows[i]; w.Scenario == scen && w.Target == target && w.Reps > 0 {
			return w
		}
	}
	return nil
}

func (r *compareReport) ratio(name, of, over string, target float64, note string) check {
	ch := check{Name: name, Kind: "ratio", Of: of, Over: over, Target: target, Note: note}
	a, b := r.row(of), r.row(over)
	switch {
	case a == nil:
		ch.Missing = of + " not measured"
	case b == nil:
		ch.Missing = over + " not measured"
	case b.Throughput == 0:
		ch.Missing = over + " measured nothing"
	default:
		ch.Value = a.Throughput / b.Throughput
		ch.Met = ch.Value >= target
	}
	return ch
}

func (r *compareReport) p99(name, of string, below float64, note string) check {
	ch := check{Name: name, Kind: "p99", Of: of, Target: below, Note: note}
	if a := r.row(of); a == nil {
		ch.Missing = of + " not measured"
	} else {
		ch.Value = a.P99MS
		ch.Met = a.P99MS < below && a.Errors == 0
	}
	return ch
}

func (r *compareReport) writeJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

func (r *compareReport) writeText(w io.Writer) error {
	cfg := r.Config
	fmt.Fprintf(w, "threadline bench compare: %d rep(s) of %s after a %s warm-up, %d clients, list on %d seeded threads\n",
		cfg.Reps, cfg.Duration, cfg.Warmup, cfg.Clients, cfg.ListThreads)
	fmt.Fprintf(w, "current:  %s (%s)\n", cfg.Bin, r.Versions[targetCurrent])
	if cfg.Baseline != "" {
		fmt.Fprintf(w, "baseline: %s (%s)\n", cfg.Baseline, r.Versions[targetBaseline])
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\ttarget\tclients\tmedian/s\tunit\tp50 ms\tp99 ms\terrors\truns\tper run/s\t")
	for _, x := range r.Rows {
		per := make([]string, len(x.PerRep))
		for i, v := range x.PerRep {
			per[i] = fmt.Sprintf("%.0f", v)
		}
		runs := fmt.Sprint(x.Reps)
		if x.Failed > 0 {
			runs += fmt.Sprintf(" (+%d failed)", x.Failed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%s\t%.2f\t%.2f\t%d\t%s\t%s\t\n", x.Scenario, x.Target, x.Clients,
			x.Throughput, x.Unit, x.P50MS, x.P99MS, x.Errors, runs, strings.Join(per, " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "issue 14\tvalue\ttarget\t")
	for _, ch := range r.Checks {
		val, tgt := "", ""
		if ch.Kind == "ratio" {
			val, tgt = fmt.Sprintf("%.2f×", ch.Value), fmt.Sprintf("≥ %.1f×", ch.Target)
		} else {
			val, tgt = fmt.Sprintf("%.2f ms", ch.Value), fmt.Sprintf("< %.0f ms", ch.Target)
		}
		mark := "MET"
		switch {
		case ch.Missing != "":
			val, mark = "-", "n/a: "+ch.Missing
		case ch.Target == 0:
			tgt, mark = "-", ""
		case !ch.Met:
			mark = "NOT MET"
		}
		if ch.Note != "" {
			mark += " (" + ch.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ch.Name, val, tgt, mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var notes []string
	notes = append(notes, r.Notes...)
	for _, m := range r.Runs {
		if m.Error != "" {
			notes = append(notes, fmt.Sprintf("%s %s rep %d failed: %s", m.Scenario, m.Target, m.Rep, firstLines(m.Error, 6)))
		} else if m.Summary != nil && len(m.Summary.FirstErrors) > 0 {
			notes = append(notes, fmt.Sprintf("%s %s rep %d: %d failed requests, first: %s", m.Scenario, m.Target, m.Rep,
				m.Summary.Errors, m.Summary.FirstErrors[0]))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nnotes:")
		for _, n := range notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
	return r.writeProfileHints(w)
}

// writeProfileHints lists the saved profiles with the commands that print
// their tops.
func (r *compareReport) writeProfileHints(w io.Writer) error {
	var files []string
	for _, m := range r.Runs {
		files = append(files, m.Profiles...)
	}
	if len(files) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nprofiles in %s (%d files); their tops:\n", r.Config.ProfileDir, len(files))
	for _, f := range files {
		if strings.HasSuffix(f, ".allocs.pprof") {
			fmt.Fprintf(w, "  go tool pprof -top -sample_index=alloc_space %s\n", f)
		} else {
			fmt.Fprintf(w, "  go tool pprof -top %s\n", f)
		}
	}
	return nil
}

// firstLines is the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n    ")
}
