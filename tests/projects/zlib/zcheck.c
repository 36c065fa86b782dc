/* zcheck: drives zlib the way programs use it (tests/projects_tests.py builds it against
 * an unmodified zlib, natively and for Eremit, and compares the output).
 *
 * Generates a file in /tmp, compresses it to .gz files (gzwrite at several levels and
 * strategies, gzprintf, gzdopen, append = a second gzip member), decompresses them (gzread,
 * gzgets, gzseek, gzungetc), and runs the in-memory interfaces (compress2/uncompress,
 * deflate/inflate with gzip and raw framing, dictionaries, flushes, deflateParams,
 * checksum combination).  Everything printed is deterministic: sizes and CRC-32/Adler-32
 * checksums of the files and buffers.  Exit status: 0 when every round trip gave back
 * its input, 1 otherwise.
 *
 * Usage: zcheck [SIZE]   (bytes of generated data, default 1 MiB) */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static int failures;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            printf("FAILED %s:%d: ", __FILE__, __LINE__);                                  \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
        }                                                                                  \
    } while (0)

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng >> 33);
}

/* Text-like data with some noise: compresses, but not trivially. */
static void generate(unsigned char *buf, size_t n)
{
    static const char *words[] = {"lorem", "ipsum", "dolor", "sit", "amet", "unikernel",
                                  "eremit", "zlib", "deflate", "inflate", "\n", "0123456789"};
    size_t i = 0;
    while (i < n) {
        if (next() % 16 == 0) {
            buf[i++] = (unsigned char)next();
            continue;
        }
        const char *w = words[next() % (sizeof words / sizeof words[0])];
        for (; *w && i < n; w++)
            buf[i++] = (unsigned char)*w;
        if (i < n)
            buf[i++] = ' ';
    }
}

struct sum {
    unsigned long crc, adler;
    long size;
};

static struct sum sum_buf(const unsigned char *p, size_t n)
{
    struct sum s;
    s.crc = crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
    s.adler = adler32(adler32(0L, Z_NULL, 0), p, (uInt)n);
    s.size = (long)n;
    return s;
}

/* Checksums of a file read with plain stdio. */
static struct sum sum_file(const char *path)
{
    struct sum s = {crc32(0L, Z_NULL, 0), adler32(0L, Z_NULL, 0), 0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        s.size = -1;
        return s;
    }
    unsigned char buf[3000];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        s.crc = crc32(s.crc, buf, (uInt)n);
        s.adler = adler32(s.adler, buf, (uInt)n);
        s.size += (long)n;
    }
    fclose(f);
    return s;
}

static void print_sum(const char *what, struct sum s)
{
    printf("%-28s size %8ld crc32 %08lx adler32 %08lx\n", what, s.size, s.crc, s.adler);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
    size_t done = 0;
    while (done < n) {
        /* Uneven chunks. */
        size_t chunk = 1 + next() % 70000;
        if (chunk > n - done)
            chunk = n - done;
        ssize_t w = write(fd, p + done, chunk);
        CHECK(w > 0, "write: %s", strerror(errno));
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    CHECK(close(fd) == 0, "close");
}

/* gzip SRC to DST with MODE ("wb6", "wb9h", ...), in uneven gzwrite calls. */
static void gzip_file(const char *src, const char *dst, const char *mode)
{
    FILE *in = fopen(src, "rb");
    gzFile out = gzopen(dst, mode);
    CHECK(in != NULL && out != NULL, "gzip %s -> %s (%s)", src, dst, mode);
    if (in == NULL || out == NULL)
        return;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, 1 + next() % sizeof buf, in)) > 0)
        CHECK(gzwrite(out, buf, (unsigned)n) == (int)n, "gzwrite");
    fclose(in);
    CHECK(gzclose(out) == Z_OK, "gzclose");
}

static void gunzip_file(const char *src, const char *dst)
{
    gzFile in = gzopen(src, "rb");
    FILE *out = fopen(dst, "wb");
    CHECK(in != NULL && out != NULL, "gunzip %s -> %s", src, dst);
    if (in == NULL || out == NULL)
        return;
    CHECK(gzbuffer(in, 8192) == 0, "gzbuffer");
    unsigned char buf[40000];
    int n;
    while ((n = gzread(in, buf, 1 + next() % sizeof buf)) > 0)
        CHECK(fwrite(buf, 1, (size_t)n, out) == (size_t)n, "fwrite");
    CHECK(n == 0, "gzread: %d", n);
    CHECK(gzeof(in), "gzeof");
    CHECK(gzclose_r(in) == Z_OK, "gzclose_r");
    CHECK(fclose(out) == 0, "fclose");
}

static void files(size_t size)
{
    unsigned char *data = malloc(size);
    generate(data, size);
    write_file("/tmp/zcheck.dat", data, size);
    struct sum orig = sum_file("/tmp/zcheck.dat");
    print_sum("/tmp/zcheck.dat", orig);
    CHECK(orig.crc == sum_buf(data, size).crc && orig.size == (long)size, "file contents");

    static const char *modes[] = {"wb1", "wb6", "wb9", "wb9h", "wb4R", "wb6F", "wb0"};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char label[64];
        gzip_file("/tmp/zcheck.dat", "/tmp/zcheck.gz", modes[i]);
        snprintf(label, sizeof label, "gzip %s -> .gz", modes[i]);
        print_sum(label, sum_file("/tmp/zcheck.gz"));
        gunzip_file("/tmp/zcheck.gz", "/tmp/zcheck.out");
        struct sum back = sum_file("/tmp/zcheck.out");
        snprintf(label, sizeof label, "gunzip %s", modes[i]);
        print_sum(label, back);
        CHECK(back.crc == orig.crc && back.size == orig.size, "round trip %s", modes[i]);
    }

    /* Append: a second gzip member; gzread reads both. */
    gzFile a = gzopen("/tmp/zcheck.gz", "ab");
    CHECK(a != NULL, "gzopen ab");
    CHECK(gzputs(a, "appended member\n") == 16, "gzputs");
    CHECK(gzclose(a) == Z_OK, "gzclose ab");
    gunzip_file("/tmp/zcheck.gz", "/tmp/zcheck.out");
    print_sum("two members", sum_file("/tmp/zcheck.out"));
    CHECK(file_size("/tmp/zcheck.out") == (long)size + 16, "two members size");

    /* Line-oriented writing and reading, seeking. */
    gzFile w = gzopen("/tmp/lines.gz", "wb");
    for (int i = 0; i < 500; i++)
        gzprintf(w, "line %d: %s %.3f\n", i, i % 2 ? "odd" : "even", i / 7.0);
    gzputc(w, 'Z');
    CHECK(gzclose(w) == Z_OK, "gzclose lines");
    print_sum("/tmp/lines.gz", sum_file("/tmp/lines.gz"));
    gzFile r = gzopen("/tmp/lines.gz", "rb");
    char line[128];
    int count = 0;
    unsigned long crc = crc32(0L, Z_NULL, 0);
    while (gzgets(r, line, sizeof line) != NULL) {
        crc = crc32(crc, (const unsigned char *)line, (uInt)strlen(line));
        count++;
    }
    printf("gzgets: %d lines, crc32 %08lx, direct %d\n", count, crc, gzdirect(r));
    CHECK(gzrewind(r) == 0, "gzrewind");
    gzseek(r, 1000, SEEK_SET);
    gzgets(r, line, sizeof line);
    line[strcspn(line, "\n")] = '\0';
    printf("gzseek 1000: tell %ld, rest of the line '%s'\n", (long)gztell(r), line);
    int c = gzgetc(r);
    gzungetc(c, r);
    printf("gzgetc/gzungetc: %c %c, offset>0 %d\n", c, gzgetc(r), gzoffset(r) > 0);
    gzclose(r);

    /* gzdopen on a descriptor; a file that is not compressed is read as is. */
    int fd = open("/tmp/plain.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(write(fd, "not compressed\n", 15) == 15, "write plain");
    close(fd);
    fd = open("/tmp/plain.txt", O_RDONLY);
    gzFile p = gzdopen(fd, "rb");
    memset(line, 0, sizeof line);
    printf("gzdopen plain: read %d '%.14s' direct %d\n", gzread(p, line, sizeof line), line,
           gzdirect(p));
    gzclose(p);

    /* Errors: a missing file, a corrupted stream. */
    errno = 0;
    gzFile none = gzopen("/tmp/no/such/file.gz", "rb");
    printf("gzopen missing: %s, errno ENOENT %d\n", none == NULL ? "NULL" : "opened",
           errno == ENOENT);
    gzip_file("/tmp/zcheck.dat", "/tmp/zcheck.gz", "wb6");
    fd = open("/tmp/zcheck.gz", O_RDWR);
    lseek(fd, 5000, SEEK_SET);
    unsigned char junk[64];
    memset(junk, 0xA5, sizeof junk);
    CHECK(write(fd, junk, sizeof junk) == (ssize_t)sizeof junk, "corrupt");
    close(fd);
    gzFile bad = gzopen("/tmp/zcheck.gz", "rb");
    int total = 0, n;
    unsigned char buf[16384];
    while ((n = gzread(bad, buf, sizeof buf)) > 0)
        total += n;
    int err;
    const char *msg = gzerror(bad, &err);
    printf("corrupted: gzread %d, error %d (%s)\n", n, err, msg);
    gzclose(bad);
    free(data);
}

static void memory(void)
{
    size_t n = 300000;
    unsigned char *src = malloc(n), *dst, *back = malloc(n);
    generate(src, n);
    struct sum s = sum_buf(src, n);

    uLong bound = compressBound(n);
    dst = malloc(bound);
    for (int level = 0; level <= 9; level += 3) {
        uLongf clen = bound, blen = n;
        CHECK(compress2(dst, &clen, src, n, level) == Z_OK, "compress2");
        CHECK(uncompress(back, &blen, dst, clen) == Z_OK && blen == n, "uncompress");
        printf("compress2 level %d: %lu -> %lu bytes, crc32 %08lx, back %d\n", level,
               (unsigned long)n, (unsigned long)clen, crc32(0L, dst, (uInt)clen),
               memcmp(src, back, n) == 0);
    }
    uLongf small = 10, blen = n;
    printf("compress2 into 10 bytes: %d (Z_BUF_ERROR %d)\n", compress2(dst, &small, src, n, 6),
           Z_BUF_ERROR);
    uLong slen = 100;
    printf("uncompress2 of garbage: %d\n", uncompress2(back, &blen, src, &slen));

    /* Streams: gzip framing, raw deflate with a dictionary, flushes, parameter changes. */
    static const int bits[] = {15, 31, -15, 9};
    static const char dict[] = "lorem ipsum dolor sit amet unikernel eremit";
    for (size_t b = 0; b < sizeof bits / sizeof bits[0]; b++) {
        z_stream d;
        memset(&d, 0, sizeof d);
        CHECK(deflateInit2(&d, 6, Z_DEFLATED, bits[b], 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
        if (bits[b] < 0)
            deflateSetDictionary(&d, (const Bytef *)dict, sizeof dict - 1);
        d.next_out = dst;
        d.avail_out = (uInt)bound;
        size_t pos = 0;
        int step = 0;
        while (pos < n) {
            size_t chunk = 1 + next() % 20000;
            if (chunk > n - pos)
                chunk = n - pos;
            d.next_in = src + pos;
            d.avail_in = (uInt)chunk;
            pos += chunk;
            int flush = pos == n ? Z_FINISH : (step % 5 == 1 ? Z_SYNC_FLUSH : (step % 7 == 3 ? Z_FULL_FLUSH : Z_NO_FLUSH));
            if (step == 4)
                CHECK(deflateParams(&d, 9, Z_FILTERED) == Z_OK, "deflateParams");
            int r = deflate(&d, flush);
            /* Z_BUF_ERROR: no progress was possible (deflateParams already flushed). */
            CHECK(flush == Z_FINISH ? r == Z_STREAM_END : (r == Z_OK || r == Z_BUF_ERROR),
                  "deflate %d", r);
            step++;
        }
        uLong clen = d.total_out;
        CHECK(deflateEnd(&d) == Z_OK, "deflateEnd");

        z_stream i;
        memset(&i, 0, sizeof i);
        CHECK(inflateInit2(&i, bits[b] == 31 ? 47 : bits[b]) == Z_OK, "inflateInit2");
        if (bits[b] < 0)
            inflateSetDictionary(&i, (const Bytef *)dict, sizeof dict - 1);
        i.next_in = dst;
        i.next_out = back;
        int r = Z_OK;
        while (r == Z_OK) {
            uInt in = (uInt)(i.total_in + 777 > clen ? clen - i.total_in : 777);
            i.avail_in = in;
            i.avail_out = (uInt)(n - i.total_out < 5000 ? n - i.total_out : 5000);
            r = inflate(&i, Z_SYNC_FLUSH);
            if (r == Z_BUF_ERROR && i.avail_in == 0 && in == 0)
                break;
            if (r == Z_BUF_ERROR)
                r = Z_OK;
        }
        printf("stream windowBits %3d: %lu bytes, crc32 %08lx, inflate %d, back %d\n", bits[b],
               clen, crc32(0L, dst, (uInt)clen), r,
               r == Z_STREAM_END && i.total_out == n && memcmp(src, back, n) == 0);
        CHECK(r == Z_STREAM_END, "inflate end %d (%s)", r, i.msg ? i.msg : "");
        inflateEnd(&i);
    }

    /* Checksums of pieces combine to the whole. */
    uLong c1 = crc32(0L, src, 1000), c2 = crc32(0L, src + 1000, (uInt)(n - 1000));
    uLong a1 = adler32(1L, src, 1000), a2 = adler32(1L, src + 1000, (uInt)(n - 1000));
    printf("crc32_combine %d adler32_combine %d crc32 %08lx adler32 %08lx\n",
           crc32_combine(c1, c2, (z_off_t)(n - 1000)) == s.crc,
           adler32_combine(a1, a2, (z_off_t)(n - 1000)) == s.adler, s.crc, s.adler);
    free(src);
    free(dst);
    free(back);
}

int main(int argc, char **argv)
{
    size_t size = argc > 1 ? (size_t)strtoul(argv[1], NULL, 0) : 1 << 20;
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("zlib %s (header %s), compile flags %lx\n", zlibVersion(), ZLIB_VERSION,
           zlibCompileFlags());
    files(size);
    memory();
    printf("%s\n", failures ? "zcheck: FAILED" : "zcheck: all round trips ok");
    return failures ? 1 : 0;
}
