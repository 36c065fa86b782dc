// iostreams and <cstdio> on the same file descriptors, and the "C" locale.
//
// With std::ios_base::sync_with_stdio(true) (the default) std::cout and printf share
// stdout's buffer, so their output interleaves in program order on Eremit as on Linux.
#include <clocale>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <locale>
#include <sstream>
#include <string>

int main()
{
    // Interleaved stdout: each line is half iostream, half stdio.
    for (int i = 0; i < 3; i++) {
        std::cout << "cout " << i << ", ";
        std::printf("printf %d\n", i);
    }
    std::fputs("fputs then ", stdout);
    std::cout << "cout, then endl" << std::endl;
    std::puts("puts");
    std::cout.put('c').put('\n');

    // stderr: unbuffered on both sides, interleaved too.
    std::cerr << "cerr 1, ";
    std::fprintf(stderr, "fprintf 2, ");
    std::clog << "clog 3" << std::endl;

    // Formatting: manipulators, fixed/scientific, bases, fill.
    std::cout << std::setw(8) << std::setfill('*') << 42 << '|' << std::left << std::setw(6) << "ab" << "|\n"
              << std::right << std::setfill(' ');
    std::cout << std::fixed << std::setprecision(3) << 3.14159265 << ' ' << std::scientific << 12345.678 << '\n';
    std::cout << std::defaultfloat << 0.1 + 0.2 << ' ' << std::setprecision(17) << 0.1 + 0.2 << '\n';
    std::cout << std::hex << std::showbase << 255 << ' ' << std::oct << 8 << ' ' << std::dec << std::noshowbase
              << -17 << ' ' << std::boolalpha << true << ' ' << std::noboolalpha << false << '\n';
    std::cout << std::setprecision(6);

    // The "C" locale: the global locale, classic(), named "C", and setlocale.
    std::locale global;
    std::cout << "global locale: " << global.name() << ", classic: " << std::locale::classic().name()
              << ", equal: " << (global == std::locale::classic()) << '\n';
    std::locale c("C");
    std::cout << "locale(\"C\") name: " << c.name() << '\n';
    const char *cl = std::setlocale(LC_ALL, nullptr);
    std::cout << "setlocale(LC_ALL, NULL): " << (cl ? cl : "(null)") << '\n';
    const char *set = std::setlocale(LC_ALL, "C");
    std::cout << "setlocale(LC_ALL, \"C\"): " << (set ? set : "(null)") << '\n';
    std::lconv *lc = std::localeconv();
    std::cout << "decimal_point '" << lc->decimal_point << "' thousands_sep '" << lc->thousands_sep << "'\n";
    auto &np = std::use_facet<std::numpunct<char>>(c);
    std::cout << "numpunct: decimal '" << np.decimal_point() << "' truename " << np.truename() << '\n';
    auto &ct = std::use_facet<std::ctype<char>>(c);
    std::string s = "Hello, World 123";
    ct.toupper(&s[0], &s[0] + s.size());
    std::cout << "ctype toupper: " << s << ", isdigit('7') " << ct.is(std::ctype_base::digit, '7')
              << ", isalpha('7') " << ct.is(std::ctype_base::alpha, '7') << '\n';
    std::cout << "collate compare(abc, abd): "
              << std::use_facet<std::collate<char>>(c).compare("abc", "abc" + 3, "abd", "abd" + 3) << '\n';
    try {
        std::locale bad("xx_NO.SUCH");
        std::cout << "named locale xx_NO.SUCH: accepted (" << bad.name() << ")\n";
    } catch (const std::runtime_error &) {
        std::cout << "named locale xx_NO.SUCH: runtime_error\n";
    }

    // String streams: parsing and formatting in the C locale.
    std::istringstream in("12 3.5 word -7");
    int a = 0, d = 0;
    double b = 0;
    std::string w;
    in >> a >> b >> w >> d;
    std::ostringstream out;
    out << a << '/' << b << '/' << w << '/' << d << '/' << (in.eof() ? "eof" : "more");
    std::cout << "stringstream: " << out.str() << '\n';
    std::istringstream badnum("xyz");
    int n = 5;
    badnum >> n;
    std::cout << "parse failure: fail " << badnum.fail() << ", value " << n << '\n';

    // Output to stdout through a FILE * again, after iostream use, then an explicit flush.
    std::printf("done\n");
    std::cout.flush();
    return 0;
}
