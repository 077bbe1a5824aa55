#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// Reads seed CSV files as dbt (Python's csv module) does: RFC 4180 quoting with doubled quotes,
// quoted fields spanning lines, \n, \r\n or \r line ends, a UTF-8 byte order mark skipped, any
// one-character delimiter, fully blank lines skipped. Fields are views into the text or into the
// reader's scratch space, valid until the next call to next_record().
//
// The reader never copies the file: a 1M-row seed is read twice (types, then rows) rather than
// held as ten million strings.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string file_name, char delimiter = ',');

  // The next record's fields; false at the end. Throws KilnError(Project) naming
  // the file and row (1-based, the header is row 1) for a quoted field that never closes.
  bool next_record(std::vector<std::string_view>& fields);

  // The row number of the record last returned (the header is row 1), and the line it started on.
  size_t row() const { return row_; }
  size_t line() const { return record_line_; }
  const std::string& file_name() const { return file_name_; }

 private:
  std::string_view text_;
  std::string file_name_;
  char delimiter_;
  size_t position_ = 0;
  size_t row_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 1;
  // Unescaped quoted fields; reserved per record so views stay valid while it fills.
  std::string scratch_;
};

}  // namespace kiln
