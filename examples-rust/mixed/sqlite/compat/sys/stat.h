/* Work-around for a gap of libc-port's headers that SQLite trips on (remove once fixed
 * there): newlib's <sys/stat.h> declares lstat only for Cygwin/RTEMS/SPU, although libc.a
 * defines it.  (The other gap, no <dlfcn.h>, is avoided by turning SQLite's load
 * extensions off: see ../../.cargo/config.toml.) */
#include_next <sys/stat.h>
int lstat(const char *__restrict path, struct stat *__restrict buf);
