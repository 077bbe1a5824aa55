#include "seeds/csv_reader.h"

#include "common/error.h"

namespace kiln {

CsvReader::CsvReader(std::string_view text, std::string file_name, char delimiter)
    : text_(text), file_name_(std::move(file_name)), delimiter_(delimiter) {
  if (text_.starts_with("\xEF\xBB\xBF")) position_ = 3;
}

bool CsvReader::next_record(std::vector<std::string_view>& fields) {
  fields.clear();
  const size_t size = text_.size();
  // Blank lines separate nothing in a CSV; Python's reader yields them as empty rows, which
  // agate (and so dbt) drops.
  while (position_ < size && (text_[position_] == '\n' || text_[position_] == '\r')) {
    if (text_[position_] == '\n' || position_ + 1 >= size || text_[position_ + 1] != '\n') ++line_;
    ++position_;
  }
  if (position_ >= size) return false;
  ++row_;
  record_line_ = line_;
  // A quoted field can be no longer than the rest of the text: reserving that once per record
  // keeps earlier views into the scratch space valid.
  scratch_.clear();
  bool has_quotes = false;
  for (size_t i = position_; i < size && text_[i] != '\n'; ++i) {
    if (text_[i] == '"') {
      has_quotes = true;
      break;
    }
  }
  if (has_quotes) scratch_.reserve(size - position_);

  while (true) {
    if (position_ < size && text_[position_] == '"') {
      // Quoted: runs to the closing quote; "" is a literal quote; line ends are kept.
      size_t quote_line = line_;
      size_t begin = scratch_.size();
      ++position_;
      while (true) {
        if (position_ >= size) {
          throw KilnError(ErrorKind::Project,
                          file_name_ + ": row " + std::to_string(row_) +
                              " has a quoted field that is never closed",
                          {file_name_, static_cast<int>(quote_line), 0},
                          "close the field with a double quote, and double any quote inside it "
                          "(\"\")");
        }
        char c = text_[position_];
        if (c == '"') {
          if (position_ + 1 < size && text_[position_ + 1] == '"') {
            scratch_ += '"';
            position_ += 2;
            continue;
          }
          ++position_;
          break;
        }
        if (c == '\n') ++line_;
        scratch_ += c;
        ++position_;
      }
      // Text after the closing quote belongs to the field, as Python's reader keeps it.
      while (position_ < size && text_[position_] != delimiter_ && text_[position_] != '\n' &&
             text_[position_] != '\r') {
        scratch_ += text_[position_++];
      }
      fields.emplace_back(scratch_.data() + begin, scratch_.size() - begin);
    } else {
      size_t begin = position_;
      while (position_ < size && text_[position_] != delimiter_ && text_[position_] != '\n' &&
             text_[position_] != '\r') {
        ++position_;
      }
      fields.push_back(text_.substr(begin, position_ - begin));
    }
    if (position_ < size && text_[position_] == delimiter_) {
      ++position_;
      continue;
    }
    // End of the record: consume its line end.
    if (position_ < size && text_[position_] == '\r') ++position_;
    if (position_ < size && text_[position_] == '\n') ++position_;
    ++line_;
    return true;
  }
}

}  // namespace kiln
