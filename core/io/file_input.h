// Opening a file the user named, safely: only a regular file is opened (a FIFO, a device such as
// /dev/zero, a socket or a folder is refused with a message that says what it is), and the open
// itself never blocks (O_NONBLOCK, so a FIFO cannot hang us between the check and the open).
// Every reader of outside bytes opens through here.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

// What a path is, in words for a message: "a folder", "a FIFO (named pipe)", "a character device", ...
// Returns "" for a regular file; throws InputError if the path does not exist.
std::string file_kind_if_not_regular(const std::string& path);

// Opens `path` for reading as a FILE*, after checking that it is a regular file. `what` names the
// kind of file in messages ("image file", "labels file", "CSV file"). Throws InputError naming
// the file. *size_out (if given) receives the file's size in bytes.
std::FILE* open_regular_file(const std::string& path, const char* what, uint64_t* size_out = nullptr);

// Reads a whole regular file of at most max_bytes into memory. A larger file is refused before
// anything is read, with the limit in the message. Throws InputError naming the file.
std::vector<uint8_t> read_regular_file(const std::string& path, const char* what, uint64_t max_bytes);

// A file name made safe for a one-line message or JSON: bytes that are not valid UTF-8 and
// control characters (NUL included) become \xHH, so nothing is cut off or garbles a terminal.
std::string printable_path(const std::string& path);
