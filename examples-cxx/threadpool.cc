// A fixed-size thread pool: std::thread workers take jobs from a queue guarded by a
// std::mutex and std::condition_variable; submit() returns a std::future; std::atomic
// counters check that every job ran exactly once.  Output is deterministic: results are
// collected through the futures in submission order.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <thread>
#include <vector>

class ThreadPool {
public:
    explicit ThreadPool(unsigned n)
    {
        for (unsigned i = 0; i < n; i++)
            workers_.emplace_back([this] { loop(); });
    }
    ~ThreadPool()
    {
        {
            std::lock_guard<std::mutex> g(m_);
            stopping_ = true;
        }
        cv_.notify_all();
        for (auto &w : workers_)
            w.join();
    }
    template <class F> auto submit(F f) -> std::future<decltype(f())>
    {
        using R = decltype(f());
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
        std::future<R> fut = task->get_future();
        {
            std::lock_guard<std::mutex> g(m_);
            if (stopping_)
                throw std::runtime_error("pool stopped");
            jobs_.push([task] { (*task)(); });
        }
        cv_.notify_one();
        return fut;
    }

private:
    void loop()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lk(m_);
                cv_.wait(lk, [this] { return stopping_ || !jobs_.empty(); });
                if (jobs_.empty())
                    return; // stopping and drained
                job = std::move(jobs_.front());
                jobs_.pop();
            }
            job();
        }
    }

    std::vector<std::thread> workers_;
    std::queue<std::function<void()>> jobs_;
    std::mutex m_;
    std::condition_variable cv_;
    bool stopping_ = false;
};

static long collatz_steps(long n)
{
    long steps = 0;
    while (n != 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

int main(int argc, char **argv)
{
    unsigned nworkers = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : 4;
    std::atomic<int> ran{0};
    std::atomic<long> total{0};
    std::atomic<unsigned> busy{0}, max_busy{0};
    std::vector<std::future<long>> results;
    {
        ThreadPool pool(nworkers);
        for (long job = 0; job < 64; job++) {
            results.push_back(pool.submit([job, &ran, &total, &busy, &max_busy] {
                unsigned now = ++busy;
                unsigned prev = max_busy.load();
                while (now > prev && !max_busy.compare_exchange_weak(prev, now)) {
                }
                long best = 0;
                for (long n = job * 1000 + 1; n <= job * 1000 + 1000; n++)
                    best = std::max(best, collatz_steps(n));
                ran.fetch_add(1, std::memory_order_relaxed);
                total += best;
                --busy;
                return best;
            }));
        }
        // A job that throws: the exception reaches the submitter through its future.
        auto failing = pool.submit([]() -> int { throw std::runtime_error("job failed"); });
        try {
            failing.get();
        } catch (const std::runtime_error &e) {
            std::printf("failing job: %s\n", e.what());
        }
        long sum = 0;
        for (std::size_t i = 0; i < results.size(); i++) {
            long r = results[i].get();
            sum += r;
            if (i % 16 == 0)
                std::printf("job %2zu: longest Collatz chain in its range %ld\n", i, r);
        }
        std::printf("sum of results %ld\n", sum);
    } // the pool's destructor drains the queue and joins
    std::printf("jobs run: %d, atomic total %ld, at most %s workers busy at once\n", ran.load(), total.load(),
                max_busy.load() <= nworkers ? "pool-size" : "MORE THAN pool-size");

    // std::condition_variable ping-pong between two threads, strictly alternating.
    std::mutex m;
    std::condition_variable cv;
    int turn = 0;
    std::vector<int> order;
    auto player = [&](int me) {
        for (int i = 0; i < 5; i++) {
            std::unique_lock<std::mutex> lk(m);
            cv.wait(lk, [&] { return turn == me; });
            order.push_back(me);
            turn = 1 - me;
            cv.notify_all();
        }
    };
    std::thread a(player, 0), b(player, 1);
    a.join();
    b.join();
    std::printf("ping-pong:");
    for (int x : order)
        std::printf(" %d", x);
    std::printf("\n");

    // Atomics: many threads increment, fetch_add returns distinct tickets.
    std::atomic<int> counter{0};
    std::atomic_flag flag = ATOMIC_FLAG_INIT;
    int under_spinlock = 0;
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; t++)
        ts.emplace_back([&] {
            for (int i = 0; i < 10000; i++) {
                counter.fetch_add(1);
                while (flag.test_and_set(std::memory_order_acquire))
                    std::this_thread::yield();
                under_spinlock++;
                flag.clear(std::memory_order_release);
            }
        });
    for (auto &t : ts)
        t.join();
    std::printf("atomic counter %d, spinlock-protected counter %d, lock-free int: %d\n", counter.load(),
                under_spinlock, std::atomic<int>::is_always_lock_free);
    std::printf("hardware_concurrency > 0: %d\n", std::thread::hardware_concurrency() > 0);
    return 0;
}
