// A second translation unit: its static objects are constructed before main as well; the
// order between files follows the link order (CMakeLists.txt lists this file second).
#include "statics_other.h"

static Noisy third("third (statics_other.cc)");
static int value = [] {
    std::printf("dynamic initialiser of value\n");
    return 7;
}();

int other_value() { return value; }
