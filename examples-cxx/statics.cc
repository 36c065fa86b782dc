// Static constructors and destructors in order (within a file, across files, function-local
// statics), atexit interleaved with them, and thread_local objects with destructors in
// worker threads and in main.
//
// Output goes through stdio; destructors that run after main still print,
// because exit() runs them before it flushes stdout.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "statics_other.h"

Noisy first("first (statics.cc)");
Noisy second("second (statics.cc)");

static Noisy &local_static()
{
    static Noisy local("function-local static");
    return local;
}

static std::mutex print_lock;

struct PerThread {
    int id = -1;
    int uses = 0;
    PerThread() {}
    ~PerThread()
    {
        std::lock_guard<std::mutex> g(print_lock);
        std::printf("~PerThread(id %d, uses %d)\n", id, uses);
    }
};

thread_local PerThread per_thread;
thread_local int tl_counter = 100;

static void at_exit_handler() { std::printf("atexit handler (registered in main)\n"); }

int main()
{
    std::printf("main starts; other_value() = %d\n", other_value());
    local_static();
    local_static();
    std::atexit(at_exit_handler);

    // Each worker gets its own thread_local instances; their destructors run when the
    // worker ends, one after the other (join in order).
    for (int i = 1; i <= 3; i++) {
        std::thread t([i] {
            per_thread.id = i;
            for (int k = 0; k < i; k++) {
                per_thread.uses++;
                tl_counter += 10;
            }
            std::lock_guard<std::mutex> g(print_lock);
            std::printf("worker %d: tl_counter %d\n", i, tl_counter);
        });
        t.join();
    }
    per_thread.id = 0;
    per_thread.uses = 42;
    std::printf("main: tl_counter %d (untouched by workers)\n", tl_counter);
    std::printf("main returns\n");
    return 0;
}
