// Exceptions and RTTI: throws that unwind several frames (running destructors), rethrow,
// nested exceptions, typeid/dynamic_cast, exceptions carried across threads by
// std::exception_ptr, std::future (std::async, std::promise, std::packaged_task).
//
// `exceptions escape` lets an exception leave main (`exceptions noexcept` throws through a
// noexcept function): std::terminate prints "terminate called after throwing an instance
// of ..." on stderr and calls abort().  The mapping: natively the process dies of SIGABRT,
// which a shell (and tests/cxx_tests.py) reports as 134 = 128 + 6; `eremit run` exits with
// 134, and after the same message its stderr has Eremit's abort report ("eremit: the
// application aborted" and a symbolised backtrace).
#include <cstdio>
#include <cstring>
#include <exception>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

struct Base {
    virtual ~Base() = default;
    virtual const char *name() const { return "Base"; }
};
struct Derived : Base {
    const char *name() const override { return "Derived"; }
};
struct Other : Base {};

struct AppError : std::runtime_error {
    int code;
    AppError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};

static int unwound;

struct Guard {
    int depth;
    ~Guard()
    {
        unwound++;
        std::printf("  ~Guard(depth %d)\n", depth);
    }
};

static int recurse(int depth)
{
    Guard g{depth};
    if (depth == 0)
        throw AppError("bottom reached", 7);
    return recurse(depth - 1) + 1;
}

static void nested()
{
    try {
        throw std::out_of_range("inner");
    } catch (...) {
        std::throw_with_nested(std::logic_error("outer"));
    }
}

static void print_nested(const std::exception &e, int level)
{
    std::printf("  nested level %d: %s (%s)\n", level, e.what(),
                dynamic_cast<const std::out_of_range *>(&e) ? "out_of_range" : "other");
    try {
        std::rethrow_if_nested(e);
    } catch (const std::exception &inner) {
        print_nested(inner, level + 1);
    }
}

static int parse(const std::string &s)
{
    if (s.empty())
        throw std::invalid_argument("empty");
    return std::stoi(s);
}

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "escape") == 0) {
        std::printf("throwing out of main\n");
        std::fflush(stdout);
        throw std::runtime_error("escaped from main");
    }
    if (argc > 1 && std::strcmp(argv[1], "noexcept") == 0) {
        // A throw through a noexcept function calls std::terminate as well.
        std::printf("throwing through noexcept\n");
        std::fflush(stdout);
        #pragma GCC diagnostic ignored "-Wterminate"
        [] () noexcept { throw 42; }();
    }

    // Through frames, destructors run in order.
    try {
        recurse(4);
    } catch (const AppError &e) {
        std::printf("caught AppError '%s' code %d after %d destructors\n", e.what(), e.code, unwound);
    }

    // Catch by base, rethrow, catch (...) for non-class types.
    try {
        try {
            parse("");
        } catch (const std::logic_error &e) {
            std::printf("caught logic_error base for invalid_argument: %s\n", e.what());
            throw;
        }
    } catch (const std::invalid_argument &e) {
        std::printf("rethrown and caught as invalid_argument: %s\n", e.what());
    }
    try {
        parse("not a number");
    } catch (const std::exception &e) {
        std::printf("stoi threw %s\n", typeid(e) == typeid(std::invalid_argument) ? "invalid_argument" : "?");
    }
    try {
        throw 3.5;
    } catch (int) {
        std::printf("wrong handler\n");
    } catch (...) {
        std::printf("caught a double with catch (...)\n");
    }
    try {
        nested();
    } catch (const std::exception &e) {
        print_nested(e, 0);
    }
    try {
        std::vector<int> v(2);
        v.at(5) = 1;
    } catch (const std::out_of_range &) {
        std::printf("vector::at threw out_of_range\n");
    }

    // RTTI.
    Derived d;
    Base &b = d;
    std::printf("typeid(b) == typeid(Derived): %d, name %s, virtual %s\n", typeid(b) == typeid(Derived),
                typeid(b).name(), b.name());
    std::printf("dynamic_cast<Derived*> %s, dynamic_cast<Other*> %s\n",
                dynamic_cast<Derived *>(&b) ? "ok" : "null", dynamic_cast<Other *>(&b) ? "ok" : "null");
    try {
        Other &o = dynamic_cast<Other &>(b);
        (void)o;
    } catch (const std::bad_cast &) {
        std::printf("dynamic_cast<Other&> threw bad_cast\n");
    }
    try {
        Base *null = nullptr;
        (void)typeid(*null);
    } catch (const std::bad_typeid &) {
        std::printf("typeid(*null) threw bad_typeid\n");
    }

    // Across a thread boundary: std::exception_ptr.
    std::exception_ptr eptr;
    std::thread t([&eptr] {
        try {
            recurse(1);
        } catch (...) {
            eptr = std::current_exception();
        }
    });
    t.join();
    try {
        if (eptr)
            std::rethrow_exception(eptr);
    } catch (const AppError &e) {
        std::printf("exception_ptr from a thread: %s code %d\n", e.what(), e.code);
    }

    // std::async (a new thread), std::promise, std::packaged_task.
    auto fut = std::async(std::launch::async, [] { return parse("") + 1; });
    try {
        fut.get();
    } catch (const std::invalid_argument &e) {
        std::printf("future from std::async rethrew: %s\n", e.what());
    }
    auto ok = std::async(std::launch::async, [] { return parse("41") + 1; });
    std::printf("std::async value: %d\n", ok.get());
    std::promise<int> p;
    std::future<int> pf = p.get_future();
    std::thread pt([&p] { p.set_exception(std::make_exception_ptr(AppError("from promise", 9))); });
    pt.join();
    try {
        pf.get();
    } catch (const AppError &e) {
        std::printf("promise: %s code %d\n", e.what(), e.code);
    }
    std::packaged_task<int(int)> task([](int x) -> int {
        if (x < 0)
            throw std::domain_error("negative");
        return x * 2;
    });
    std::future<int> tf = task.get_future();
    std::thread tt(std::move(task), -1);
    tt.join();
    try {
        tf.get();
    } catch (const std::domain_error &e) {
        std::printf("packaged_task: %s\n", e.what());
    }
    try {
        std::future<int> empty;
        empty.get();
    } catch (const std::future_error &e) {
        std::printf("future_error: no_state %d\n", e.code() == std::future_errc::no_state);
    }
    std::printf("uncaught_exceptions now: %d\n", std::uncaught_exceptions());
    return 0;
}
