/* Semihosting is off (tests/aarch64_c.py): this asks QEMU to open a host file for
   writing through it (SYS_OPEN, HLT #0xF000). With semihosting on, QEMU would create
   the file with its own rights; without, HLT is an undefined instruction, which the
   kernel reports as a crash with SIGILL (exit 132). aarch64 only. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    /* SYS_OPEN's parameter block: the name, the mode ("w" is 4), the name's length. */
    unsigned long block[3] = {(unsigned long)argv[1], 4, strlen(argv[1])};
    printf("opening %s through semihosting\n", argv[1]);
    fflush(stdout);
    register unsigned long x0 __asm__("x0") = 0x01; /* SYS_OPEN */
    register unsigned long x1 __asm__("x1") = (unsigned long)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    printf("semihosting answered %ld\n", (long)x0);
    return 0;
}
