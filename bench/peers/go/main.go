// The Go peer of bench/fiber_bench.cpp: the same workloads with goroutines and channels,
// standard library only (builds offline). scripts/bench fiber builds it into the bench tree
// and runs it in the same invocation as the C++ benchmark, GOMAXPROCS = the spindle pool's
// worker count. Each figure is the median of -reps timed runs after one untimed warm-up run;
// output is one "name value" line per figure, read by the C++ benchmark's summary.
//
//	fiber_peers -reps 5 [skynet] [pingpong] [mutex] [parked]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	skynetLeaves  = 1_000_000
	skynetFanOut  = 10
	pingpongTrips = 1_000_000
	mutexOps      = 2_000_000 // increments per run, split among the goroutines
	parkedCount   = 100_000
)

// skynet is the classic benchmark: each goroutine sends its number (a leaf) or the sum of its
// children's results, received on an unbuffered channel of its own, on its parent's channel.
func skynet(c chan<- int, num, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int)
	for i := 0; i < div; i++ {
		go skynet(rc, num+i*(size/div), size/div, div)
	}
	sum := 0
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func runSkynet() time.Duration {
	start := time.Now()
	c := make(chan int)
	go skynet(c, 0, skynetLeaves, skynetFanOut)
	if sum := <-c; sum != skynetLeaves*(skynetLeaves-1)/2 {
		panic("skynet: wrong sum " + strconv.Itoa(sum))
	}
	return time.Since(start)
}

// runPingPong: two goroutines pass a token over two unbuffered channels; one round trip is
// a send and a receive in each direction.
func runPingPong() time.Duration {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	start := time.Now()
	for i := 0; i < pingpongTrips; i++ {
		ping <- i
		<-pong
	}
	elapsed := time.Since(start)
	close(ping)
	<-pong
	return elapsed
}

// runMutex: `goroutines` goroutines share mutexOps lock/increment/unlock operations.
func runMutex(goroutines int) time.Duration {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	per := mutexOps / goroutines
	start := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if counter != per*goroutines {
		panic("mutex: lost increments")
	}
	return elapsed
}

// residentBytes reads the resident set size from /proc/self/statm (Linux).
func residentBytes() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		panic(err)
	}
	fields := strings.Fields(string(data))
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// parkedBytesPerGoroutine: RSS growth per goroutine while parkedCount goroutines block on one
// channel (the runtime's own accounting, runtime.MemStats.StackInuse, is printed beside it).
func parkedBytesPerGoroutine() (rss float64, stack float64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	rssBefore := residentBytes()
	release := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(parkedCount)
	finished.Add(parkedCount)
	for i := 0; i < parkedCount; i++ {
		go func() {
			started.Done()
			<-release
			finished.Done()
		}()
	}
	started.Wait()
	time.Sleep(10 * time.Millisecond) // let the last ones reach the receive
	rssAfter := residentBytes()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	close(release)
	finished.Wait()
	return float64(rssAfter-rssBefore) / parkedCount,
		float64(after.StackInuse-before.StackInuse) / parkedCount
}

func median(run func() time.Duration, reps int) time.Duration {
	run() // warm-up
	times := make([]time.Duration, reps)
	for i := range times {
		times[i] = run()
	}
	sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
	return times[reps/2]
}

func main() {
	reps := flag.Int("reps", 5, "timed repetitions per figure (the median is printed)")
	flag.Parse()
	which := flag.Args()
	if len(which) == 0 {
		which = []string{"skynet", "pingpong", "mutex", "parked"}
	}
	fmt.Printf("go_version %s\n", strings.TrimPrefix(runtime.Version(), "go"))
	fmt.Printf("go_gomaxprocs %d\n", runtime.GOMAXPROCS(0))
	for _, w := range which {
		switch w {
		case "skynet":
			d := median(runSkynet, *reps)
			fmt.Printf("go_skynet_ms %.1f\n", float64(d.Nanoseconds())/1e6)
		case "pingpong":
			d := median(runPingPong, *reps)
			fmt.Printf("go_pingpong_ns %.1f\n", float64(d.Nanoseconds())/pingpongTrips)
			previous := runtime.GOMAXPROCS(1) // the one-core figure, as a 1-worker pool
			d = median(runPingPong, *reps)
			runtime.GOMAXPROCS(previous)
			fmt.Printf("go_pingpong_1p_ns %.1f\n", float64(d.Nanoseconds())/pingpongTrips)
		case "mutex":
			for _, g := range []int{4, 16, 64} {
				d := median(func() time.Duration { return runMutex(g) }, *reps)
				fmt.Printf("go_mutex_%d_mops %.2f\n", g, mutexOps/float64(d.Nanoseconds())*1e3)
			}
		case "parked":
			rss, stack := parkedBytesPerGoroutine()
			fmt.Printf("go_parked_rss_bytes %.0f\n", rss)
			fmt.Printf("go_parked_stack_bytes %.0f\n", stack)
		default:
			fmt.Fprintf(os.Stderr, "fiber_peers: unknown benchmark %q\n", w)
			os.Exit(2)
		}
	}
}
