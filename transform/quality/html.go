package quality

import "io"

// WriteHTML writes a self-contained report.
func (r *Report) WriteHTML(w io.Writer) error { return r.WriteText(w) }
