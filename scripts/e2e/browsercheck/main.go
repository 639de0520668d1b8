// Command browsercheck opens self-contained HTML pages of stratbench
// (report.html, compare.html) in headless Chromium with the network cut off,
// and fails unless each page loads without a request leaving file://, writes
// nothing to the console at the error level (console.error, an uncaught
// exception, an error of the browser log), and draws marks inside the axes of
// every chart. It saves a full-page screenshot of each page at 1280 px and at
// a phone's width (390 px) into -out.
//
// Usage:
//
//	go run ./scripts/e2e/browsercheck -out DIR [-browser PATH] [-min-charts N] PAGE.html...
//
// It exits 0 when every page passes, 1 when one fails, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// widths are the viewport widths of the screenshots: a laptop and a phone.
var widths = []struct {
	name          string
	width, height int64
}{{"1280", 1280, 900}, {"phone", 390, 844}}

func main() {
	out := flag.String("out", "", "folder for the screenshots (created)")
	browser := flag.String("browser", "", "Chromium executable (default: chromium, chromium-browser or google-chrome in PATH)")
	minCharts := flag.Int("min-charts", 0, "fail a page with fewer charts (svg elements) than this")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: browsercheck -out DIR [-browser PATH] [-min-charts N] PAGE.html...")
		os.Exit(2)
	}
	exe, err := findBrowser(*browser)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsercheck:", err)
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "browsercheck:", err)
		os.Exit(2)
	}
	failed := false
	for _, page := range flag.Args() {
		problems, err := check(exe, page, *out, *minCharts)
		if err != nil {
			problems = append(problems, err.Error())
		}
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "browsercheck: FAIL %s: %s\n", page, p)
		}
		failed = failed || len(problems) > 0
	}
	if failed {
		os.Exit(1)
	}
}

func findBrowser(path string) (string, error) {
	if path != "" {
		return exec.LookPath(path)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium, chromium-browser or google-chrome in PATH (Debian: apt-get install chromium)")
}

// chart is what the page's script-free SVG chart looks like once laid out.
type chart struct {
	Name   string  `json:"name"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Axes   int     `json:"axes"`
	Marks  int     `json:"marks"`
}

// marksJS measures every svg of the page: its rendered size, and its marks
// (painted shapes that are not axes, ticks, grid lines, legend swatches or
// background zones, with a non-empty bounding box) whose centre lies inside
// the rectangle that the chart's axis lines span.
const marksJS = `(() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg')) {
    const r = svg.getBoundingClientRect();
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, axes = 0;
    for (const a of svg.querySelectorAll('.axis')) {
      const b = a.getBBox();
      x0 = Math.min(x0, b.x); x1 = Math.max(x1, b.x + b.width);
      y0 = Math.min(y0, b.y); y1 = Math.max(y1, b.y + b.height);
      axes++;
    }
    let marks = 0;
    for (const el of svg.querySelectorAll('path, rect, circle, ellipse, line, polyline, polygon')) {
      const cls = el.getAttribute('class') || '';
      if (/\b(axis|grid|tick|legend|swatch|zone|lostzone)\b/.test(cls)) continue;
      const st = getComputedStyle(el);
      if (st.display === 'none' || st.visibility === 'hidden' || st.opacity === '0') continue;
      if ((st.fill === 'none' || st.fillOpacity === '0') && (st.stroke === 'none' || st.strokeOpacity === '0')) continue;
      const b = el.getBBox();
      if (b.width <= 0 && b.height <= 0) continue;
      const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
      if (axes === 0 || (cx >= x0 - 1 && cx <= x1 + 1 && cy >= y0 - 1 && cy <= y1 + 1)) marks++;
    }
    out.push({name: svg.getAttribute('aria-label') || '(unnamed svg)', width: r.width, height: r.height, axes, marks});
  }
  return out;
})()`

// check opens page at each width and returns what is wrong with it.
func check(exe, page, out string, minCharts int) ([]string, error) {
	abs, err := filepath.Abs(page)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root in a container
		chromedp.DisableGPU,
		// Offline: every request that is not file:// goes to a proxy that
		// does not exist, and is also reported below.
		chromedp.ProxyServer("http://127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()

	var mu sync.Mutex
	var problems []string
	note := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	err = chromedp.Listen(tctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				note("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			note("uncaught exception: %s", ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				note("browser log error (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "about:") {
				note("requests %s: the page is not self-contained", u)
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", exe, err)
	}
	if err := chromedp.Do(tctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			if _, err := cdp.Call(ctx, t, runtime.Enable, cdp.Empty{}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{})
			return err
		}),
	); err != nil {
		return nil, fmt.Errorf("enabling the console and network events: %w", err)
	}
	base := strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	if dir := filepath.Base(filepath.Dir(abs)); dir != "." {
		base = dir + "-" + base
	}
	for i, w := range widths {
		steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(w.width, w.height)}
		if i == 0 {
			steps = append(steps, chromedp.Navigate("file://"+abs))
		}
		if err := chromedp.Do(tctx, steps...); err != nil {
			return problems, fmt.Errorf("opening at %d px: %w", w.width, err)
		}
		charts, err := chromedp.Run(tctx, chromedp.Evaluate[[]chart](marksJS))
		if err != nil {
			return problems, fmt.Errorf("measuring the charts at %d px: %w", w.width, err)
		}
		if len(charts) < minCharts {
			note("%d charts at %d px, want at least %d", len(charts), w.width, minCharts)
		}
		drawn := 0
		for _, c := range charts {
			switch {
			case c.Width < 1 || c.Height < 1:
				note("chart %q is %.0f×%.0f px at %d px: not laid out", c.Name, c.Width, c.Height, w.width)
			case c.Marks == 0:
				note("chart %q draws no mark inside its axes at %d px", c.Name, w.width)
			default:
				drawn++
			}
		}
		png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		if err != nil {
			return problems, fmt.Errorf("screenshot at %d px: %w", w.width, err)
		}
		file := filepath.Join(out, base+"-"+w.name+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			return problems, err
		}
		fmt.Printf("browsercheck: %s at %d px: %d charts, %d with marks; %s (%d bytes)\n", page, w.width, len(charts), drawn, file, len(png))
	}
	mu.Lock()
	defer mu.Unlock()
	return problems, nil
}
