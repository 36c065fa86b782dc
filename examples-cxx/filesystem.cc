// std::filesystem on /tmp (Eremit's in-memory file system; a real one natively): create
// directories, write and read files with fstreams, iterate (sorted, since directory order
// is unspecified), rename, copy, resize, remove, file_size, status, and the errors: the
// throwing overloads throw std::filesystem::filesystem_error, the error_code ones set the
// code.  Paths are printed relative to the work directory, which holds the process id.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

static fs::path root;

static std::string rel(const fs::path &p) { return p.lexically_relative(root).generic_string(); }

static std::string errc_name(const std::error_code &ec)
{
    if (!ec)
        return "ok";
    if (ec == std::errc::no_such_file_or_directory)
        return "no_such_file_or_directory";
    if (ec == std::errc::file_exists)
        return "file_exists";
    if (ec == std::errc::directory_not_empty)
        return "directory_not_empty";
    if (ec == std::errc::not_a_directory)
        return "not_a_directory";
    if (ec == std::errc::is_a_directory)
        return "is_a_directory";
    return "other (" + ec.message() + ")";
}

static std::vector<std::string> listing(const fs::path &dir, bool recursive)
{
    std::vector<std::string> names;
    if (recursive) {
        for (const auto &e : fs::recursive_directory_iterator(dir))
            names.push_back(rel(e.path()) + (e.is_directory() ? "/" : " " + std::to_string(e.file_size())));
    } else {
        for (const auto &e : fs::directory_iterator(dir))
            names.push_back(rel(e.path()) + (e.is_directory() ? "/" : ""));
    }
    std::sort(names.begin(), names.end());
    return names;
}

static void show(const char *what, const std::vector<std::string> &names)
{
    std::cout << what << ":";
    for (const auto &n : names)
        std::cout << " " << n;
    std::cout << "\n";
}

int main()
{
    root = fs::path("/tmp") / ("eremit-fs-example-" + std::to_string(getpid()));
    fs::remove_all(root);
    std::cout << "temp_directory_path is absolute: " << fs::temp_directory_path().is_absolute() << "\n";

    // Directories.
    bool made = fs::create_directories(root / "a" / "b" / "c");
    std::cout << "create_directories a/b/c: " << made << ", again: " << fs::create_directories(root / "a" / "b" / "c")
              << "\n";
    std::cout << "create_directory d: " << fs::create_directory(root / "d") << ", is_directory "
              << fs::is_directory(root / "d") << "\n";

    // Files: write, append, read back.
    {
        std::ofstream out(root / "a" / "hello.txt");
        out << "line one\n" << 12345 << " " << 2.5 << "\n";
    }
    {
        std::ofstream out(root / "a" / "hello.txt", std::ios::app);
        out << "appended\n";
    }
    {
        std::ifstream in(root / "a" / "hello.txt");
        std::string line;
        int n = 0;
        while (std::getline(in, line))
            std::cout << "read line " << ++n << ": " << line << "\n";
    }
    {
        std::ofstream bin(root / "a" / "b" / "data.bin", std::ios::binary);
        for (int i = 0; i < 1000; i++)
            bin.put(static_cast<char>(i & 0xff));
    }
    std::cout << "file_size hello.txt " << fs::file_size(root / "a" / "hello.txt") << ", data.bin "
              << fs::file_size(root / "a" / "b" / "data.bin") << "\n";
    {
        std::ifstream bin(root / "a" / "b" / "data.bin", std::ios::binary);
        bin.seekg(500);
        int c = bin.get();
        bin.seekg(0, std::ios::end);
        std::cout << "data.bin byte 500 = " << c << ", tellg at end " << bin.tellg() << "\n";
    }

    // Status and iteration.
    auto st = fs::status(root / "a" / "hello.txt");
    std::cout << "hello.txt: regular " << fs::is_regular_file(st) << ", exists " << fs::exists(st)
              << ", owner can read " << ((st.permissions() & fs::perms::owner_read) != fs::perms::none) << "\n";
    std::cout << "missing exists: " << fs::exists(root / "missing") << ", type not_found "
              << (fs::status(root / "missing").type() == fs::file_type::not_found) << "\n";
    show("directory_iterator(root)", listing(root, false));
    show("recursive_directory_iterator(root)", listing(root, true));

    // Copy, rename, resize.
    fs::copy_file(root / "a" / "hello.txt", root / "d" / "copy.txt");
    std::cout << "copy_file: size " << fs::file_size(root / "d" / "copy.txt") << "\n";
    std::error_code ec;
    fs::copy_file(root / "a" / "hello.txt", root / "d" / "copy.txt", ec);
    std::cout << "copy_file onto an existing file: " << errc_name(ec) << "\n";
    fs::copy_file(root / "a" / "hello.txt", root / "d" / "copy.txt", fs::copy_options::overwrite_existing, ec);
    std::cout << "copy_file overwrite_existing: " << errc_name(ec) << "\n";
    fs::rename(root / "d" / "copy.txt", root / "d" / "renamed.txt");
    std::cout << "rename: old exists " << fs::exists(root / "d" / "copy.txt") << ", new exists "
              << fs::exists(root / "d" / "renamed.txt") << "\n";
    fs::rename(root / "d", root / "e");
    std::cout << "rename directory d -> e: e/renamed.txt exists " << fs::exists(root / "e" / "renamed.txt") << "\n";
    fs::resize_file(root / "e" / "renamed.txt", 4);
    {
        std::ifstream in(root / "e" / "renamed.txt");
        std::string s;
        in >> s;
        std::cout << "resize_file to 4: size " << fs::file_size(root / "e" / "renamed.txt") << ", content '" << s
                  << "'\n";
    }

    // Errors: the throwing overloads throw filesystem_error with the path(s) and code.
    try {
        (void)fs::file_size(root / "missing");
        std::cout << "file_size(missing): no exception?!\n";
    } catch (const fs::filesystem_error &e) {
        std::cout << "file_size(missing): filesystem_error " << errc_name(e.code()) << ", path1 "
                  << rel(e.path1()) << "\n";
    }
    try {
        fs::rename(root / "missing", root / "elsewhere");
        std::cout << "rename(missing): no exception?!\n";
    } catch (const fs::filesystem_error &e) {
        std::cout << "rename(missing): filesystem_error " << errc_name(e.code()) << ", path2 " << rel(e.path2())
                  << "\n";
    }
    try {
        fs::create_directory(root / "a" / "hello.txt" / "sub");
        std::cout << "create_directory under a file: no exception?!\n";
    } catch (const fs::filesystem_error &e) {
        std::cout << "create_directory under a file: filesystem_error " << errc_name(e.code()) << "\n";
    }
    try {
        fs::directory_iterator it(root / "missing");
        std::cout << "directory_iterator(missing): no exception?!\n";
    } catch (const fs::filesystem_error &e) {
        std::cout << "directory_iterator(missing): filesystem_error " << errc_name(e.code()) << "\n";
    }
    std::cout << "file_size(missing, ec) = " << static_cast<long long>(fs::file_size(root / "missing", ec))
              << ", " << errc_name(ec) << "\n";
    std::cout << "remove(non-empty a, ec) = " << fs::remove(root / "a", ec) << ", " << errc_name(ec) << "\n";
    std::cout << "remove(missing) = " << fs::remove(root / "missing") << "\n";
    // C's remove() deletes an empty directory as well as a file (POSIX).
    fs::create_directory(root / "empty");
    int r = std::remove((root / "empty").c_str());
    std::cout << "std::remove(empty directory) = " << r << ", exists after " << fs::exists(root / "empty") << "\n";

    // Remove: a file, then whole trees.
    std::cout << "remove a/hello.txt: " << fs::remove(root / "a" / "hello.txt") << ", exists after "
              << fs::exists(root / "a" / "hello.txt") << "\n";
    show("after removal", listing(root, true));
    std::cout << "remove_all(root) removed " << fs::remove_all(root) << " entries, root exists "
              << fs::exists(root) << "\n";

    // Paths (pure computations).
    fs::path p = "/tmp/dir/file.tar.gz";
    std::cout << "path: parent " << p.parent_path() << ", filename " << p.filename() << ", stem " << p.stem()
              << ", extension " << p.extension() << ", normal " << fs::path("/a/./b/../c").lexically_normal()
              << "\n";
    return 0;
}
