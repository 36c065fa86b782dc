// std::chrono: system_clock, steady_clock, high_resolution_clock, sleep_for/sleep_until,
// durations and time_points.  The clocks' values differ from run to run, so only their
// properties are printed: monotonic, sleeps last at least as long as asked (and not
// absurdly longer), system_clock agrees with time(), the epoch is sane.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

using namespace std::chrono;
using namespace std::chrono_literals;

int main()
{
    std::printf("steady_clock::is_steady %d, system_clock::is_steady %d\n", steady_clock::is_steady,
                system_clock::is_steady);
    std::printf("steady_clock period %lld/%lld, system_clock period %lld/%lld\n",
                static_cast<long long>(steady_clock::period::num), static_cast<long long>(steady_clock::period::den),
                static_cast<long long>(system_clock::period::num), static_cast<long long>(system_clock::period::den));

    // Monotonic: 10000 consecutive readings never go back.
    bool monotonic = true;
    auto prev = steady_clock::now();
    for (int i = 0; i < 10000; i++) {
        auto now = steady_clock::now();
        monotonic &= now >= prev;
        prev = now;
    }
    std::printf("steady_clock monotonic over 10000 reads: %d\n", monotonic);
    auto h0 = high_resolution_clock::now();
    auto h1 = high_resolution_clock::now();
    std::printf("high_resolution_clock non-decreasing: %d\n", h1 >= h0);

    // Sleeps: at least what was asked for; under 2 s of slack even on an emulated CPU.
    for (auto d : {1ms, 20ms, 100ms}) {
        auto t0 = steady_clock::now();
        std::this_thread::sleep_for(d);
        auto took = steady_clock::now() - t0;
        std::printf("sleep_for(%lldms): at least asked %d, under +2s %d\n", static_cast<long long>(d.count()),
                    took >= d, took < d + 2s);
    }
    auto deadline = steady_clock::now() + 50ms;
    std::this_thread::sleep_until(deadline);
    std::printf("sleep_until: reached deadline %d\n", steady_clock::now() >= deadline);

    // A timed wait on a condition variable that nobody notifies times out.
    std::mutex m;
    std::condition_variable cv;
    std::unique_lock<std::mutex> lk(m);
    auto t0 = steady_clock::now();
    bool timed_out = cv.wait_for(lk, 30ms) == std::cv_status::timeout;
    std::printf("condition_variable::wait_for(30ms): timeout %d, waited long enough %d\n", timed_out,
                steady_clock::now() - t0 >= 30ms);

    // system_clock vs time(): same second (allow one tick of difference), after 2020.
    auto sys = system_clock::now();
    std::time_t c_now = std::time(nullptr);
    std::time_t sys_t = system_clock::to_time_t(sys);
    std::printf("system_clock agrees with time(): %d\n", sys_t - c_now >= -1 && sys_t - c_now <= 1);
    std::printf("system_clock after 2020-01-01: %d\n", sys_t > 1577836800);
    std::tm tm{};
    gmtime_r(&sys_t, &tm);
    std::printf("gmtime year plausible: %d\n", tm.tm_year + 1900 >= 2020 && tm.tm_year + 1900 < 2200);

    // Duration arithmetic and conversions (compile-time exact).
    auto d = 1h + 23min + 45s + 678ms;
    std::printf("1h23m45.678s = %lld ms = %lld s (floor) = %.4f min\n", static_cast<long long>(d.count()),
                static_cast<long long>(duration_cast<seconds>(d).count()), duration<double, std::ratio<60>>(d).count());
    std::printf("round(2.5s -> s) %lld, ceil(1001ms -> s) %lld\n",
                static_cast<long long>(round<seconds>(2500ms).count()),
                static_cast<long long>(ceil<seconds>(1001ms).count()));
    time_point<system_clock, seconds> tp{seconds{86400 * 365}};
    std::time_t tt = system_clock::to_time_t(tp);
    std::tm tm2{};
    gmtime_r(&tt, &tm2);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm2);
    std::printf("epoch + 365 days: %s\n", buf);
    return 0;
}
