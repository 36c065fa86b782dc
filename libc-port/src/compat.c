/* What glibc-built code expects of the C library.  Every image links the host's
 * libgcc_eh (GCC's unwinder, built against glibc): it finds the unwind tables through
 * _dl_find_object or dl_iterate_phdr.  Objects and static libraries compiled against
 * glibc's headers name the standard streams as variables and errno through
 * __errno_location. */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "port.h"

/* The image: its ELF header is at the start of the first loaded segment, the program
 * headers follow. */
extern const char __ehdr_start[];

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PT_GNU_EH_FRAME 0x6474e550

static const struct phdr *program_headers(uint16_t *count)
{
    uint64_t phoff;
    memcpy(&phoff, __ehdr_start + 32, sizeof phoff);
    memcpy(count, __ehdr_start + 56, sizeof *count);
    return (const struct phdr *)(__ehdr_start + phoff);
}

struct dl_phdr_info {
    uint64_t dlpi_addr;
    const char *dlpi_name;
    const struct phdr *dlpi_phdr;
    uint16_t dlpi_phnum;
    unsigned long long dlpi_adds;
    unsigned long long dlpi_subs;
    size_t dlpi_tls_modid;
    void *dlpi_tls_data;
};

/* One object, the image, linked at its load address. */
int dl_iterate_phdr(int (*callback)(struct dl_phdr_info *, size_t, void *), void *data)
{
    struct dl_phdr_info info;
    memset(&info, 0, sizeof info);
    info.dlpi_name = "";
    info.dlpi_phdr = program_headers(&info.dlpi_phnum);
    info.dlpi_adds = 1;
    return callback(&info, sizeof info, data);
}

/* glibc 2.35's interface, which gcc 12's unwinder uses instead of dl_iterate_phdr when
 * it was built against such a glibc (the x86-64 and AArch64 layout: no eh_dbase field). */
struct dl_find_object {
    unsigned long long dlfo_flags;
    void *dlfo_map_start;
    void *dlfo_map_end;
    void *dlfo_link_map;
    void *dlfo_eh_frame;
    unsigned long long __dlfo_reserved[7];
};

int _dl_find_object(void *address, struct dl_find_object *result)
{
    uint16_t n;
    const struct phdr *ph = program_headers(&n);
    uintptr_t start = UINTPTR_MAX, end = 0, eh_frame = 0;
    for (uint16_t i = 0; i < n; i++) {
        if (ph[i].type == PT_LOAD) {
            if (ph[i].vaddr < start)
                start = ph[i].vaddr;
            if (ph[i].vaddr + ph[i].memsz > end)
                end = ph[i].vaddr + ph[i].memsz;
        } else if (ph[i].type == PT_GNU_EH_FRAME) {
            eh_frame = ph[i].vaddr;
        }
    }
    uintptr_t a = (uintptr_t)address;
    if (a < start || a >= end)
        return -1;
    memset(result, 0, sizeof *result);
    result->dlfo_map_start = (void *)start;
    result->dlfo_map_end = (void *)end;
    result->dlfo_eh_frame = (void *)eh_frame;
    return 0;
}

/* glibc's standard streams are variables; newlib's global ones (__sf) are the same
 * streams that its stdin/stdout/stderr macros name. */
#undef stdin
#undef stdout
#undef stderr
FILE *stdin = &__sf[0];
FILE *stdout = &__sf[1];
FILE *stderr = &__sf[2];

int *__errno_location(void)
{
    return &errno;
}

/* libstdc++ skips atomic reference counting when this is nonzero; Eremit programs may
 * always have threads. */
char __libc_single_threaded = 0;

/* Messages are not translated. */
char *gettext(const char *msgid)
{
    return (char *)msgid;
}

char *dgettext(const char *domain, const char *msgid)
{
    (void)domain;
    return (char *)msgid;
}

char *dcgettext(const char *domain, const char *msgid, int category)
{
    (void)domain;
    (void)category;
    return (char *)msgid;
}

/* glibc's <sys/sysinfo.h>; std::thread::hardware_concurrency asks it. */
int get_nprocs(void)
{
    return (int)sys_available_parallelism();
}

int get_nprocs_conf(void)
{
    return (int)sys_get_processor_count();
}
