// See safetensors.h. Sections (grep for "//----"):
//   json        a small JSON reader (the header) and the writer's escaping
//   dtypes      the reference's dtypes and their sizes; half and bfloat16 to float
//   parse       the validation, in the reference's order
//   write       serialize and save
#include "io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "io/errors.h"
#include "io/file_input.h"
#include "io/file_write.h"

const SafeTensor* SafetensorsFile::find(const std::string& name) const {
  for (const SafeTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

const std::string* SafetensorsFile::meta(const std::string& key) const {
  for (const auto& kv : metadata)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

//---- json -------------------------------------------------------------------------------------

namespace {

struct Json {
  enum Type { Null, Bool, Number, String, Array, Object } type = Null;
  std::string text;  // a string's value, a number's token
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;  // in file order, duplicates kept (the caller refuses them)
};

constexpr int kMaxJsonDepth = 64;

struct JsonReader {
  const char* p;
  const char* end;
  const std::string& name;

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(name + ": the safetensors header is not valid JSON (" + what + " at byte " +
                     std::to_string(8 + (p - begin)) + ")");
  }
  const char* begin;

  void skip_ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  void expect(char c) {
    skip_ws();
    if (p >= end || *p != c) fail(std::string("expected '") + c + "'");
    ++p;
  }
  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  uint32_t hex4() {
    if (end - p < 4) fail("a short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i, ++p) {
      const char c = *p;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else fail("a bad \\u escape");
    }
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (p >= end) fail("an unterminated string");
      const char c = *p++;
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (p >= end) fail("an unterminated escape");
      const char e = *p++;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair
            if (end - p < 2 || p[0] != '\\' || p[1] != 'u') fail("a lone surrogate");
            p += 2;
            const uint32_t low = hex4();
            if (low < 0xDC00 || low >= 0xE000) fail("a lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            fail("a lone surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default: fail("an unknown escape");
      }
    }
  }
  Json value(int depth) {
    if (depth > kMaxJsonDepth) fail("nesting deeper than " + std::to_string(kMaxJsonDepth));
    skip_ws();
    if (p >= end) fail("a missing value");
    Json v;
    const char c = *p;
    if (c == '{') {
      v.type = Json::Object;
      ++p;
      skip_ws();
      if (p < end && *p == '}') {
        ++p;
        return v;
      }
      while (true) {
        std::string key = string();
        expect(':');
        v.members.emplace_back(std::move(key), value(depth + 1));
        skip_ws();
        if (p < end && *p == ',') {
          ++p;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = Json::Array;
      ++p;
      skip_ws();
      if (p < end && *p == ']') {
        ++p;
        return v;
      }
      while (true) {
        v.items.push_back(value(depth + 1));
        skip_ws();
        if (p < end && *p == ',') {
          ++p;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = Json::String;
      v.text = string();
      return v;
    }
    for (const char* word : {"true", "false", "null"}) {
      const size_t n = std::strlen(word);
      if (size_t(end - p) >= n && std::memcmp(p, word, n) == 0) {
        p += n;
        v.type = word[0] == 'n' ? Json::Null : Json::Bool;
        v.text = word;
        return v;
      }
    }
    // A number, by JSON's grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    const char* start = p;
    if (p < end && *p == '-') ++p;
    auto digits = [&] {
      const char* d = p;
      while (p < end && *p >= '0' && *p <= '9') ++p;
      return p - d;
    };
    if (p < end && *p == '0') ++p;
    else if (digits() == 0) fail("an unexpected character");
    if (p < end && *p == '.') {
      ++p;
      if (digits() == 0) fail("a bad number");
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      if (digits() == 0) fail("a bad number");
    }
    v.type = Json::Number;
    v.text.assign(start, p);
    return v;
  }
};

bool valid_utf8(const uint8_t* s, size_t n) {
  for (size_t i = 0; i < n;) {
    const uint8_t c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return false;
    i += len;
  }
  return true;
}

void json_escape(std::string& out, const std::string& s) {
  out += '"';
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

//---- dtypes -----------------------------------------------------------------------------------

// Every dtype of the reference implementation, with its size in bytes.
struct Dtype {
  const char* name;
  uint64_t size;
};
constexpr Dtype kDtypes[] = {{"BOOL", 1}, {"U8", 1},  {"I8", 1},   {"F8_E5M2", 1}, {"F8_E4M3", 1},
                             {"I16", 2},  {"U16", 2}, {"F16", 2},  {"BF16", 2},    {"I32", 4},
                             {"U32", 4},  {"F32", 4}, {"F64", 8},  {"I64", 8},     {"U64", 8}};

const Dtype* find_dtype(const std::string& s) {
  for (const Dtype& d : kDtypes)
    if (s == d.name) return &d;
  return nullptr;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1F, frac = h & 0x3FF;
  uint32_t bits;
  if (exp == 0 && frac == 0) {
    bits = sign;
  } else if (exp == 0) {  // subnormal: frac * 2^-24
    float v = float(frac) * (1.0f / 16777216.0f);
    std::memcpy(&bits, &v, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (frac << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (frac << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// A JSON number that must be a non-negative integer fitting u64.
uint64_t json_u64(const Json& v, const std::string& name, const std::string& tensor, const char* what) {
  const std::string bad = name + ": tensor '" + printable_path(tensor) + "': " + what;
  if (v.type != Json::Number || v.text.empty() || v.text[0] == '-' ||
      v.text.find_first_of(".eE") != std::string::npos)
    throw InputError(bad + " must be non-negative integers");
  uint64_t out = 0;
  for (const char c : v.text) {
    const uint64_t d = uint64_t(c - '0');
    if (out > (~uint64_t(0) - d) / 10) throw InputError(bad + " overflow 64 bits (" + v.text + ")");
    out = out * 10 + d;
  }
  return out;
}

}  // namespace

//---- parse ------------------------------------------------------------------------------------

SafetensorsFile safetensors_parse(const uint8_t* bytes, size_t n, const std::string& file_name) {
  const std::string name = "'" + printable_path(file_name) + "'";
  if (n < 8) throw InputError(name + ": not a safetensors file (" + std::to_string(n) + " bytes, shorter than its 8-byte header length)");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > kSafetensorsMaxHeaderBytes)
    throw InputError(name + ": safetensors header of " + std::to_string(header_len) + " bytes, over the limit of " +
                     std::to_string(kSafetensorsMaxHeaderBytes));
  if (header_len > n - 8)
    throw InputError(name + ": safetensors header length " + std::to_string(header_len) +
                     " runs beyond the end of the file (" + std::to_string(n) + " bytes)");
  const uint8_t* header = bytes + 8;
  if (!valid_utf8(header, size_t(header_len))) throw InputError(name + ": the safetensors header is not UTF-8");
  if (header_len == 0 || header[0] != '{')
    throw InputError(name + ": the safetensors header does not start with '{' (not a safetensors file?)");

  const char* text = reinterpret_cast<const char*>(header);
  JsonReader reader{text, text + header_len, name, text};
  const Json root = reader.value(0);
  reader.skip_ws();
  if (reader.p != reader.end) reader.fail("text after the header's object");
  if (root.type != Json::Object) reader.fail("the header is not an object");

  SafetensorsFile out;
  struct Span {
    uint64_t begin, end;
    size_t tensor;
  };
  std::vector<Span> spans;
  std::set<std::string> seen;
  for (const auto& member : root.members) {
    const std::string& key = member.first;
    if (!seen.insert(key).second)
      throw InputError(name + ": duplicate name '" + printable_path(key) + "' in the safetensors header");
    const Json& v = member.second;
    if (key == "__metadata__") {
      if (v.type != Json::Object) throw InputError(name + ": __metadata__ must be an object of strings");
      for (const auto& kv : v.members) {
        if (kv.second.type != Json::String)
          throw InputError(name + ": __metadata__ value of '" + printable_path(kv.first) + "' is not a string");
        out.metadata.emplace_back(kv.first, kv.second.text);
      }
      continue;
    }
    const std::string shown = name + ": tensor '" + printable_path(key) + "'";
    if (v.type != Json::Object) throw InputError(shown + " is not an object");
    const Json *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
    for (const auto& field : v.members) {
      if (field.first == "dtype") dtype = &field.second;
      else if (field.first == "shape") shape = &field.second;
      else if (field.first == "data_offsets") offsets = &field.second;
      else throw InputError(shown + " has an unknown field '" + printable_path(field.first) + "'");
    }
    if (!dtype || !shape || !offsets) throw InputError(shown + " lacks dtype, shape or data_offsets");
    if (dtype->type != Json::String) throw InputError(shown + ": dtype is not a string");
    const Dtype* d = find_dtype(dtype->text);
    if (!d) throw InputError(shown + ": unknown dtype '" + printable_path(dtype->text) + "'");
    if (shape->type != Json::Array) throw InputError(shown + ": shape is not a list");
    if (offsets->type != Json::Array || offsets->items.size() != 2)
      throw InputError(shown + ": data_offsets is not a list of two numbers");
    SafeTensor t;
    t.name = key;
    t.dtype = d->name;
    // shape x dtype size, with overflow checks, as the reference's checked_mul.
    uint64_t count = 1;
    for (const Json& s : shape->items) {
      const uint64_t dim = json_u64(s, name, key, "shape dimensions");
      t.shape.push_back(dim);
      if (dim != 0 && count > ~uint64_t(0) / dim)
        throw InputError(shown + ": the shape's element count overflows 64 bits");
      count *= dim;
    }
    if (count > ~uint64_t(0) / d->size) throw InputError(shown + ": the shape's size in bytes overflows 64 bits");
    const uint64_t begin = json_u64(offsets->items[0], name, key, "data_offsets");
    const uint64_t end = json_u64(offsets->items[1], name, key, "data_offsets");
    if (end < begin) throw InputError(shown + ": data_offsets end before they begin");
    if (end - begin != count * d->size)
      throw InputError(shown + ": data_offsets span " + std::to_string(end - begin) + " bytes but shape x " + d->name +
                       " needs " + std::to_string(count * d->size));
    spans.push_back({begin, end, out.tensors.size()});
    out.tensors.push_back(std::move(t));
  }
  // Offsets, sorted, must tile [0, data size) exactly: no gap, no overlap, nothing left over.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const uint64_t data_size = n - 8 - header_len;
  uint64_t at = 0;
  for (const Span& s : spans) {
    const std::string& tname = out.tensors[s.tensor].name;
    if (s.begin < at)
      throw InputError(name + ": tensor '" + printable_path(tname) + "' overlaps another (data_offsets begin at " +
                       std::to_string(s.begin) + ", the one before ends at " + std::to_string(at) + ")");
    if (s.begin > at)
      throw InputError(name + ": a gap in the data before tensor '" + printable_path(tname) + "' (offsets " +
                       std::to_string(at) + " to " + std::to_string(s.begin) + " belong to no tensor)");
    if (s.end > data_size)
      throw InputError(name + ": tensor '" + printable_path(tname) + "' ends at byte " + std::to_string(s.end) +
                       " of the data, beyond the file's " + std::to_string(data_size));
    at = s.end;
  }
  if (at != data_size)
    throw InputError(name + ": the tensors cover " + std::to_string(at) + " of the file's " + std::to_string(data_size) +
                     " data bytes");

  // Conversion of the float dtypes (little-endian) to float.
  const uint8_t* data = header + header_len;
  for (const Span& s : spans) {
    SafeTensor& t = out.tensors[s.tensor];
    const uint8_t* src = data + s.begin;
    const Dtype* d = find_dtype(t.dtype);
    const size_t count = size_t((s.end - s.begin) / d->size);
    if (t.dtype == "F32") {
      t.values.resize(count);
      if (count) std::memcpy(t.values.data(), src, count * 4);
    } else if (t.dtype == "F64") {
      t.values.resize(count);
      for (size_t i = 0; i < count; ++i) {
        double v;
        std::memcpy(&v, src + 8 * i, 8);
        t.values[i] = float(v);
      }
    } else if (t.dtype == "F16" || t.dtype == "BF16") {
      t.values.resize(count);
      const bool bf = t.dtype == "BF16";
      for (size_t i = 0; i < count; ++i) {
        const uint16_t h = uint16_t(src[2 * i] | (src[2 * i + 1] << 8));
        if (bf) {
          const uint32_t bits = uint32_t(h) << 16;
          std::memcpy(&t.values[i], &bits, 4);
        } else {
          t.values[i] = half_to_float(h);
        }
      }
    } else {
      continue;
    }
    t.converted = true;
  }
  return out;
}

SafetensorsFile safetensors_load(const std::string& path, uint64_t max_bytes) {
  const std::vector<uint8_t> bytes = read_regular_file(path, "safetensors file", max_bytes);
  return safetensors_parse(bytes.data(), bytes.size(), path);
}

//---- write ------------------------------------------------------------------------------------

std::vector<uint8_t> safetensors_serialize(const SafetensorsFile& file) {
  std::string header = "{";
  if (!file.metadata.empty()) {
    header += "\"__metadata__\":{";
    for (size_t i = 0; i < file.metadata.size(); ++i) {
      if (i) header += ',';
      json_escape(header, file.metadata[i].first);
      header += ':';
      json_escape(header, file.metadata[i].second);
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const SafeTensor& t : file.tensors) {
    if (header.size() > 1) header += ',';
    json_escape(header, t.name);
    header += ":{\"dtype\":\"F32\",\"shape\":[";
    for (size_t i = 0; i < t.shape.size(); ++i) header += (i ? "," : "") + std::to_string(t.shape[i]);
    const uint64_t bytes = uint64_t(t.values.size()) * 4;
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  while ((8 + header.size()) % 8 != 0) header += ' ';  // the reference aligns the data to 8 bytes
  std::vector<uint8_t> out(8 + header.size() + offset);
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[size_t(i)] = uint8_t(n >> (8 * i));
  std::memcpy(out.data() + 8, header.data(), header.size());
  size_t at = 8 + header.size();
  for (const SafeTensor& t : file.tensors) {
    if (!t.values.empty()) std::memcpy(out.data() + at, t.values.data(), t.values.size() * 4);
    at += t.values.size() * 4;
  }
  return out;
}

bool safetensors_save(const SafetensorsFile& file, const std::string& path, std::string* error) {
  const std::vector<uint8_t> bytes = safetensors_serialize(file);
  return write_file_atomically(path, bytes.data(), bytes.size(), error);
}
