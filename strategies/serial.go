package strategies

import "context"

// serial runs one task at a time, in order, on the calling goroutine. It
// starts no goroutine.
type serial struct{}

func (serial) Run(ctx context.Context, job Job) (Result, error) {
	ctx, t, cancel := begin(ctx, job)
	defer cancel()
	for i := range job.Tasks {
		if ctx.Err() != nil {
			t.skip(job.Tasks - i)
			break
		}
		t.task(ctx, i)
	}
	return t.result()
}
