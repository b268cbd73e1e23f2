// The Promtail / Alloy `replace` stage reduced to its regexp work, as the
// baseline busflow-pii is measured against and as the check that the
// emitted stages are valid Go RE2 (PII-005).
//
// Usage: pii-go STAGES.tsv < in > out
//
// STAGES.tsv is `pii-redact --emit re2`: RULE<TAB>EXPRESSION<TAB>REPLACE per
// line. Every line of stdin goes through every stage in order; as in
// Promtail's replace stage, each capture group of each match is replaced.
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

type stage struct {
	re   *regexp.Regexp
	repl string
}

func apply(st stage, s string) string {
	matches := st.re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] < 0 || m[g] < last {
				continue
			}
			b.WriteString(s[last:m[g]])
			b.WriteString(st.repl)
			last = m[g+1]
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pii-go STAGES.tsv < in > out")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var stages []stage
	for n, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			fmt.Fprintf(os.Stderr, "%s:%d: expected RULE<TAB>EXPRESSION<TAB>REPLACE\n", os.Args[1], n+1)
			os.Exit(2)
		}
		re, err := regexp.Compile(f[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s:%d: %s: %v\n", os.Args[1], n+1, f[0], err)
			os.Exit(1)
		}
		stages = append(stages, stage{re, f[2]})
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	for {
		line, err := in.ReadString('\n')
		if len(line) > 0 {
			s := strings.TrimSuffix(line, "\n")
			for _, st := range stages {
				s = apply(st, s)
			}
			out.WriteString(s)
			if strings.HasSuffix(line, "\n") {
				out.WriteByte('\n')
			}
		}
		if err != nil {
			break
		}
	}
}
