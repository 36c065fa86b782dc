// C++ through libstdc++: an exception thrown through frames with destructors and caught
// by base class, RTTI, std::string and containers, a static object's destructor at exit,
// then an exception that escapes main (std::terminate -> abort -> 134).
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

struct Noisy {
    std::string name;
    explicit Noisy(std::string n) : name(std::move(n)) { std::cout << "make " << name << "\n"; }
    ~Noisy() { std::cout << "drop " << name << "\n"; }
};

static Noisy global("global");

struct Custom : std::runtime_error {
    int code;
    Custom(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};

static int depth(int n)
{
    Noisy guard("frame " + std::to_string(n));
    if (n == 0)
        throw Custom("bottom reached", 7);
    return depth(n - 1) + 1;
}

int main(int argc, char **)
{
    try {
        depth(3);
    } catch (const std::exception &e) {
        std::cout << "caught " << e.what() << " (" << (typeid(e) == typeid(Custom)) << ", code "
                  << dynamic_cast<const Custom &>(e).code << ")\n";
    }
    std::map<std::string, std::vector<int>> m{{"b", {2, 3}}, {"a", {1}}};
    for (auto &[k, v] : m)
        std::cout << k << ":" << v.size() << " ";
    std::cout << std::endl;
    try {
        std::vector<int> v(2);
        v.at(5) = 1;
    } catch (const std::out_of_range &) {
        std::cout << "out_of_range caught\n";
    }
    if (argc > 1) {
        std::cout.flush();
        throw std::logic_error("escapes main");
    }
    return 0;
}
