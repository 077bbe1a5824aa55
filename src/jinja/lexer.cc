#include "jinja/lexer.h"

#include <cmath>
#include <cstdlib>

#include "jinja/error.h"

namespace kiln::jinja {

namespace {

bool is_py_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= 0x1c && c <= 0x1f);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_name_char(unsigned char c) {
  return is_name_start(c) || is_digit(static_cast<char>(c));
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  Lexer(std::string_view src, std::string_view name) : src_(src), name_(name) {}

  std::vector<Token> run() {
    // Jinja2 drops one trailing newline (keep_trailing_newline=False).
    std::string_view s = src_;
    if (!s.empty() && s.back() == '\n') {
      s.remove_suffix(1);
      if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    } else if (!s.empty() && s.back() == '\r') {
      s.remove_suffix(1);
    }
    end_ = s.size();
    bool lstrip_next = false;
    while (pos_ < end_) {
      size_t tag = find_tag(pos_);
      size_t data_end = tag == std::string_view::npos ? end_ : tag;
      std::string_view data = src_.substr(pos_, data_end - pos_);
      if (lstrip_next) {
        size_t k = 0;
        while (k < data.size() && is_py_space(static_cast<unsigned char>(data[k]))) ++k;
        data.remove_prefix(k);
        pos_ += k;
        lstrip_next = false;
      }
      if (tag == std::string_view::npos) {
        emit_data(data, pos_);
        pos_ = end_;
        break;
      }
      char kind = src_[tag + 1];
      char sign = tag + 2 < end_ ? src_[tag + 2] : '\0';
      if (sign == '-') {
        while (!data.empty() && is_py_space(static_cast<unsigned char>(data.back())))
          data.remove_suffix(1);
      }
      size_t data_pos = pos_;
      // A raw block is data: check for it before emitting, as its own `-` affects stripping.
      if (kind == '%' && try_raw(tag, data, data_pos, lstrip_next)) continue;
      emit_data(data, data_pos);
      advance_to(tag);
      size_t after = tag + 2 + ((sign == '-' || sign == '+') ? 1 : 0);
      if (kind == '#') {
        lstrip_next = lex_comment(tag, after);
      } else {
        lstrip_next = lex_tag(tag, after, kind == '{');
      }
    }
    Token eof;
    eof.type = Tok::kEof;
    advance_to(end_);
    eof.line = line_;
    eof.col = col_;
    tokens_.push_back(std::move(eof));
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(size_t at, std::string msg) {
    advance_to(at);
    Error e(ErrorKind::kSyntax, std::move(msg));
    e.set_location(name_, src_, line_, col_);
    throw e;
  }

  // Line/column of `at`; positions only move forward so this is amortized linear.
  void advance_to(size_t at) {
    if (at < cur_) {
      cur_ = 0;
      line_ = 1;
      col_ = 1;
    }
    for (; cur_ < at; ++cur_) {
      if (src_[cur_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
    }
  }

  size_t find_tag(size_t from) const {
    for (size_t i = from; i + 1 < end_; ++i) {
      if (src_[i] == '{') {
        char c = src_[i + 1];
        if (c == '{' || c == '%' || c == '#') return i;
      }
    }
    return std::string_view::npos;
  }

  void emit_data(std::string_view data, size_t at) {
    if (data.empty()) return;
    Token t;
    t.type = Tok::kData;
    advance_to(at);
    t.line = line_;
    t.col = col_;
    t.text = data;
    t.value.reserve(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      char c = data[i];
      if (c == '\r') {
        t.value += '\n';
        if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
      } else {
        t.value += c;
      }
    }
    tokens_.push_back(std::move(t));
  }

  size_t skip_ws(size_t p) const {
    while (p < end_ && is_py_space(static_cast<unsigned char>(src_[p]))) ++p;
    return p;
  }

  bool word_at(size_t p, std::string_view w) const {
    if (src_.substr(p, w.size()) != w) return false;
    size_t q = p + w.size();
    return q >= end_ || !is_name_char(static_cast<unsigned char>(src_[q]));
  }

  // Matches `[-+]?\s*<word>\s*[-+]?%}` at p (p is just after `{%`); returns end or npos.
  size_t match_block_word(size_t p, std::string_view word, bool* strip_after) const {
    if (p < end_ && (src_[p] == '-' || src_[p] == '+')) ++p;
    p = skip_ws(p);
    if (!word_at(p, word)) return std::string_view::npos;
    p = skip_ws(p + word.size());
    *strip_after = false;
    if (p < end_ && (src_[p] == '-' || src_[p] == '+')) {
      *strip_after = src_[p] == '-';
      ++p;
    }
    if (p + 1 < end_ + 1 && src_.substr(p, 2) == "%}") return p + 2;
    return std::string_view::npos;
  }

  bool try_raw(size_t tag, std::string_view data, size_t data_pos, bool& lstrip_next) {
    bool strip_after = false;
    size_t body = match_block_word(tag + 2, "raw", &strip_after);
    if (body == std::string_view::npos) return false;
    emit_data(data, data_pos);
    // Find the matching endraw.
    size_t p = body;
    while (true) {
      size_t t = src_.find("{%", p);
      if (t == std::string_view::npos || t >= end_) fail(tag, "Missing end of raw directive");
      bool strip_end = false;
      size_t close = match_block_word(t + 2, "endraw", &strip_end);
      if (close == std::string_view::npos) {
        p = t + 2;
        continue;
      }
      std::string_view content = src_.substr(body, t - body);
      if (strip_after) {
        size_t k = 0;
        while (k < content.size() && is_py_space(static_cast<unsigned char>(content[k]))) ++k;
        content.remove_prefix(k);
        body += k;
      }
      if (t + 2 < end_ && src_[t + 2] == '-') {
        while (!content.empty() && is_py_space(static_cast<unsigned char>(content.back())))
          content.remove_suffix(1);
      }
      emit_data(content, body);
      pos_ = close;
      lstrip_next = strip_end;
      return true;
    }
  }

  bool lex_comment(size_t tag, size_t p) {
    size_t e = src_.find("#}", p);
    if (e == std::string_view::npos || e + 2 > end_) fail(tag, "Missing end of comment tag");
    pos_ = e + 2;
    return e > p && src_[e - 1] == '-';
  }

  void push(Tok type, size_t start, size_t len) {
    Token t;
    t.type = type;
    advance_to(start);
    t.line = line_;
    t.col = col_;
    t.text = src_.substr(start, len);
    tokens_.push_back(std::move(t));
  }

  // Lexes the inside of {{ }} / {% %}; returns whether the closing delimiter strips whitespace.
  bool lex_tag(size_t tag, size_t p, bool variable) {
    push(variable ? Tok::kVarBegin : Tok::kBlockBegin, tag, p - tag);
    std::vector<char> balance;
    while (true) {
      p = skip_ws(p);
      if (p >= end_) {
        fail(p, variable ? "unexpected end of template, expected '}}'"
                         : "unexpected end of template, expected '%}'");
      }
      if (balance.empty()) {
        if (variable) {
          if (src_.substr(p, 3) == "-}}") {
            push(Tok::kVarEnd, p, 3);
            pos_ = p + 3;
            return true;
          }
          if (src_.substr(p, 2) == "}}") {
            push(Tok::kVarEnd, p, 2);
            pos_ = p + 2;
            return false;
          }
        } else {
          if (src_.substr(p, 3) == "-%}") {
            push(Tok::kBlockEnd, p, 3);
            pos_ = p + 3;
            return true;
          }
          if (src_.substr(p, 3) == "+%}") {
            push(Tok::kBlockEnd, p, 3);
            pos_ = p + 3;
            return false;
          }
          if (src_.substr(p, 2) == "%}") {
            push(Tok::kBlockEnd, p, 2);
            pos_ = p + 2;
            return false;
          }
        }
      }
      char c = src_[p];
      if (is_digit(c) || (c == '.' && p + 1 < end_ && is_digit(src_[p + 1]) && false)) {
        p = lex_number(p);
        continue;
      }
      if (is_name_start(static_cast<unsigned char>(c))) {
        size_t q = p + 1;
        while (q < end_ && is_name_char(static_cast<unsigned char>(src_[q]))) ++q;
        push(Tok::kName, p, q - p);
        p = q;
        continue;
      }
      if (c == '\'' || c == '"') {
        p = lex_string(p);
        continue;
      }
      static constexpr std::string_view kTwo[] = {"//", "**", "==", "!=", "<=", ">="};
      bool matched = false;
      for (auto op : kTwo) {
        if (src_.substr(p, 2) == op) {
          push(Tok::kOp, p, 2);
          p += 2;
          matched = true;
          break;
        }
      }
      if (matched) continue;
      static constexpr std::string_view kOne = "+-/*%~[](){}<>=.:|,;";
      if (kOne.find(c) != std::string_view::npos) {
        if (c == '(' || c == '[' || c == '{') {
          if (balance.size() > 1000) fail(p, "too deeply nested brackets");
          balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
        } else if (c == ')' || c == ']' || c == '}') {
          if (balance.empty()) fail(p, std::string("unexpected '") + c + "'");
          if (balance.back() != c) {
            fail(p, std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
          }
          balance.pop_back();
        }
        push(Tok::kOp, p, 1);
        ++p;
        continue;
      }
      fail(p, std::string("unexpected char ") + py_quote_char(c));
    }
  }

  static std::string py_quote_char(char c) {
    std::string s(1, c);
    if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", static_cast<unsigned char>(c));
      s = b;
    }
    return "'" + s + "'";
  }

  size_t digits_with_underscores(size_t p) const {
    // (\d+_)*\d+
    size_t q = p;
    if (q >= end_ || !is_digit(src_[q])) return p;
    while (true) {
      while (q < end_ && is_digit(src_[q])) ++q;
      if (q + 1 < end_ && src_[q] == '_' && is_digit(src_[q + 1])) {
        ++q;
        continue;
      }
      return q;
    }
  }

  size_t lex_number(size_t p) {
    bool after_dot = p > 0 && src_[p - 1] == '.';
    // 0b / 0o / 0x prefixes.
    if (src_[p] == '0' && p + 1 < end_ &&
        (src_[p + 1] == 'x' || src_[p + 1] == 'X' || src_[p + 1] == 'o' || src_[p + 1] == 'O' ||
         src_[p + 1] == 'b' || src_[p + 1] == 'B')) {
      char kind = static_cast<char>(src_[p + 1] | 0x20);
      int base = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
      size_t q = p + 2;
      std::string digits;
      while (q < end_) {
        char c = src_[q];
        if (c == '_') {
          ++q;
          continue;
        }
        int v = hexval(c);
        if (v < 0 || v >= base) break;
        digits += c;
        ++q;
      }
      if (!digits.empty()) {
        push(Tok::kInt, p, q - p);
        errno = 0;
        tokens_.back().int_value =
            static_cast<int64_t>(std::strtoull(digits.c_str(), nullptr, base));
        if (errno == ERANGE) fail(p, "integer literal too large");
        return q;
      }
    }
    size_t q = digits_with_underscores(p);
    bool is_float = false;
    if (!after_dot) {
      size_t r = q;
      if (r + 1 < end_ && src_[r] == '.' && is_digit(src_[r + 1])) {
        r = digits_with_underscores(r + 1);
        is_float = true;
      }
      if (r < end_ && (src_[r] == 'e' || src_[r] == 'E')) {
        size_t s = r + 1;
        if (s < end_ && (src_[s] == '+' || src_[s] == '-')) ++s;
        size_t t = digits_with_underscores(s);
        if (t > s) {
          r = t;
          is_float = true;
        }
      }
      if (is_float) q = r;
    }
    std::string clean;
    for (size_t i = p; i < q; ++i)
      if (src_[i] != '_') clean += src_[i];
    push(is_float ? Tok::kFloat : Tok::kInt, p, q - p);
    if (is_float) {
      tokens_.back().float_value = std::strtod(clean.c_str(), nullptr);
    } else {
      errno = 0;
      unsigned long long v = std::strtoull(clean.c_str(), nullptr, 10);
      if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX))
        fail(p, "integer literal too large");
      tokens_.back().int_value = static_cast<int64_t>(v);
    }
    return q;
  }

  size_t lex_string(size_t p) {
    char quote = src_[p];
    size_t q = p + 1;
    std::string value;
    while (true) {
      if (q >= end_) fail(p, "unexpected end of string");
      char c = src_[q];
      if (c == quote) break;
      if (c == '\\') {
        if (q + 1 >= end_) fail(p, "unexpected end of string");
        q = decode_escape(q, value);
        continue;
      }
      if (c == '\r') {
        value += '\n';
        if (q + 1 < end_ && src_[q + 1] == '\n') ++q;
        ++q;
        continue;
      }
      value += c;
      ++q;
    }
    push(Tok::kString, p, q + 1 - p);
    tokens_.back().value = std::move(value);
    return q + 1;
  }

  // Python's unicode-escape decoding; q points at the backslash.
  size_t decode_escape(size_t q, std::string& out) {
    char e = src_[q + 1];
    switch (e) {
      case '\n':
        return q + 2;
      case '\\':
        out += '\\';
        return q + 2;
      case '\'':
        out += '\'';
        return q + 2;
      case '"':
        out += '"';
        return q + 2;
      case 'a':
        out += '\a';
        return q + 2;
      case 'b':
        out += '\b';
        return q + 2;
      case 'f':
        out += '\f';
        return q + 2;
      case 'n':
        out += '\n';
        return q + 2;
      case 'r':
        out += '\r';
        return q + 2;
      case 't':
        out += '\t';
        return q + 2;
      case 'v':
        out += '\v';
        return q + 2;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (size_t i = 0; i < n; ++i) {
          size_t k = q + 2 + i;
          int v = k < end_ ? hexval(src_[k]) : -1;
          if (v < 0) fail(q, "invalid escape in string literal");
          cp = cp * 16 + static_cast<uint32_t>(v);
        }
        if (cp > 0x10FFFF) fail(q, "invalid escape in string literal");
        append_utf8(out, cp);
        return q + 2 + n;
      }
      default:
        if (e >= '0' && e <= '7') {
          uint32_t cp = 0;
          size_t k = q + 1;
          for (int i = 0; i < 3 && k < end_ && src_[k] >= '0' && src_[k] <= '7'; ++i, ++k)
            cp = cp * 8 + static_cast<uint32_t>(src_[k] - '0');
          append_utf8(out, cp);
          return k;
        }
        out += '\\';
        return q + 1;
    }
  }

  std::string_view src_;
  std::string_view name_;
  size_t end_ = 0;
  size_t pos_ = 0;
  size_t cur_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, std::string_view template_name) {
  return Lexer(source, template_name).run();
}

}  // namespace kiln::jinja
