// `modules.datetime` and `modules.pytz`: Python's datetime, date, timedelta and timezone as host
// objects, with the formatting, parsing and arithmetic dbt projects use.
//
// Not supported: datetime.time objects (`dt.time()`), named time zones other than UTC (pytz's
// database is not available; fixed offsets from `%z` or `timezone(timedelta(...))` are), leap
// seconds, and locales other than C/English for month and day names.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "context/modules.h"
#include "jinja/error.h"

namespace kiln {

using jinja::CallArgs;
using jinja::ErrorKind;
using jinja::HostObject;
using jinja::Runtime;
using jinja::throw_error;
using jinja::Value;

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// 0001-01-01 and 9999-12-31, in days since 1970-01-01: Python's date range.
constexpr int64_t kMinDay = -719'162;
constexpr int64_t kMaxDay = 2'932'896;

const char* const kDayAbbr[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
const char* const kDayFull[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                "Friday", "Saturday", "Sunday"};
const char* const kMonthAbbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kMonthFull[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  return a - floor_div(a, b) * b;
}

bool is_leap(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(int64_t year, int64_t month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2;
  int64_t era = floor_div(year, 400);
  int64_t year_of_era = year - era * 400;
  int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct Civil {
  int64_t year, month, day;
};

Civil civil_from_days(int64_t days) {
  days += 719468;
  int64_t era = floor_div(days, 146097);
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

// Monday is 0, as Python's weekday().
int64_t weekday_of(int64_t days) {
  return floor_mod(days + 3, 7);
}

void check_date(int64_t year, int64_t month, int64_t day) {
  if (year < 1 || year > 9999)
    throw_error(ErrorKind::kValue, "year " + std::to_string(year) + " is out of range");
  if (month < 1 || month > 12) throw_error(ErrorKind::kValue, "month must be in 1..12");
  if (day < 1 || day > days_in_month(year, month))
    throw_error(ErrorKind::kValue, "day is out of range for month");
}

void check_time(int64_t hour, int64_t minute, int64_t second, int64_t microsecond) {
  if (hour < 0 || hour > 23) throw_error(ErrorKind::kValue, "hour must be in 0..23");
  if (minute < 0 || minute > 59) throw_error(ErrorKind::kValue, "minute must be in 0..59");
  if (second < 0 || second > 59) throw_error(ErrorKind::kValue, "second must be in 0..59");
  if (microsecond < 0 || microsecond > 999999)
    throw_error(ErrorKind::kValue, "microsecond must be in 0..999999");
}

void check_day_range(int64_t days) {
  if (days < kMinDay || days > kMaxDay)
    throw_error(ErrorKind::kOverflow, "date value out of range");
}

std::string pad(int64_t value, int width, char fill = '0') {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), fill);
  return value < 0 ? "-" + digits : digits;
}

// The broken-down parts of a wall-clock time in microseconds since 1970-01-01T00:00.
struct Fields {
  int64_t days, year, month, day, hour, minute, second, microsecond;
};

Fields fields_of(int64_t wall_micros) {
  Fields f{};
  f.days = floor_div(wall_micros, kMicrosPerDay);
  int64_t rest = wall_micros - f.days * kMicrosPerDay;
  Civil civil = civil_from_days(f.days);
  f.year = civil.year;
  f.month = civil.month;
  f.day = civil.day;
  f.hour = rest / (3600 * kMicrosPerSecond);
  f.minute = rest / (60 * kMicrosPerSecond) % 60;
  f.second = rest / kMicrosPerSecond % 60;
  f.microsecond = rest % kMicrosPerSecond;
  return f;
}

int64_t wall_of(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute,
                int64_t second, int64_t microsecond) {
  return days_from_civil(year, month, day) * kMicrosPerDay +
         ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + microsecond;
}

// "+05:30", "-01:00", "+00:00:30" as isoformat writes offsets; `separator` empty for %z.
std::string offset_text(int64_t offset_seconds, std::string_view separator) {
  std::string out = offset_seconds < 0 ? "-" : "+";
  int64_t magnitude = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  out += pad(magnitude / 3600, 2);
  out += separator;
  out += pad(magnitude / 60 % 60, 2);
  if (magnitude % 60) {
    out += separator;
    out += pad(magnitude % 60, 2);
  }
  return out;
}

// ---- argument helpers ------------------------------------------------------------------------

std::optional<int64_t> optional_int(const CallArgs& args, size_t index, std::string_view name) {
  const Value* value = args.find(index, name);
  if (!value || value->is_none() || value->is_undefined()) return std::nullopt;
  if (!value->is_int() && !value->is_bool()) {
    throw_error(ErrorKind::kType, "'" + std::string(name) + "' must be an integer, not '" +
                                      std::string(value->type_name()) + "'");
  }
  return value->as_int();
}

int64_t required_int(const CallArgs& args, size_t index, std::string_view name,
                     std::string_view function) {
  std::optional<int64_t> value = optional_int(args, index, name);
  if (!value) {
    throw_error(ErrorKind::kType, std::string(function) + "() missing required argument '" +
                                      std::string(name) + "' (pos " + std::to_string(index + 1) +
                                      ")");
  }
  return *value;
}

std::string required_string(const CallArgs& args, size_t index, std::string_view name,
                            std::string_view function) {
  const Value* value = args.find(index, name);
  if (!value || !value->is_string()) {
    throw_error(ErrorKind::kType,
                std::string(function) + "() argument '" + std::string(name) + "' must be str");
  }
  return value->as_string();
}

template <typename T>
T* host_as(const Value& value) {
  return value.is_host() ? dynamic_cast<T*>(&value.as_host()) : nullptr;
}

// ---- timezone ----------------------------------------------------------------------------------

// A fixed-offset time zone: pytz's utc, datetime.timezone.utc, or an offset from `%z`.
class TimeZoneObject final : public HostObject,
                             public std::enable_shared_from_this<TimeZoneObject> {
 public:
  enum class Flavor { kPytz, kStdlib };
  TimeZoneObject(Flavor flavor, int64_t offset_seconds, std::string name = {})
      : flavor_(flavor), offset_seconds_(offset_seconds), name_(std::move(name)) {
    if (name_.empty())
      name_ = offset_seconds == 0 ? "UTC" : "UTC" + offset_text(offset_seconds, ":");
  }
  std::string_view type_name() const override {
    return flavor_ == Flavor::kPytz ? "UTC" : "timezone";
  }
  int64_t offset_seconds() const { return offset_seconds_; }
  const std::string& name() const { return name_; }

  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    if (attr == "zone") return Value(name_);
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime& rt) override;
  std::string str() const override { return name_; }
  std::string repr() const override {
    if (flavor_ == Flavor::kPytz) return "<" + name_ + ">";
    if (offset_seconds_ == 0) return "datetime.timezone.utc";
    return "datetime.timezone(datetime.timedelta(seconds=" + std::to_string(offset_seconds_) + "))";
  }
  bool equals(const HostObject& other) const override {
    auto* zone = dynamic_cast<const TimeZoneObject*>(&other);
    return zone && zone->offset_seconds_ == offset_seconds_;
  }

 private:
  Flavor flavor_;
  int64_t offset_seconds_;
  std::string name_;
};

using ZonePtr = std::shared_ptr<TimeZoneObject>;

const ZonePtr& pytz_utc() {
  static const ZonePtr zone = std::make_shared<TimeZoneObject>(TimeZoneObject::Flavor::kPytz, 0);
  return zone;
}

const ZonePtr& stdlib_utc() {
  static const ZonePtr zone = std::make_shared<TimeZoneObject>(TimeZoneObject::Flavor::kStdlib, 0);
  return zone;
}

ZonePtr zone_arg(const Value* value) {
  if (!value || value->is_none() || value->is_undefined()) return nullptr;
  if (host_as<TimeZoneObject>(*value)) {
    return std::static_pointer_cast<TimeZoneObject>(value->host_ptr());
  }
  throw_error(ErrorKind::kType, "tzinfo argument must be None or a time zone, not '" +
                                    std::string(value->type_name()) + "'");
}

// The local time zone's offset at a UTC instant, and its abbreviation ("CET").
std::pair<int64_t, std::string> local_offset(int64_t utc_seconds) {
  std::time_t t = static_cast<std::time_t>(utc_seconds);
  std::tm parts{};
  localtime_r(&t, &parts);
  return {parts.tm_gmtoff, parts.tm_zone ? parts.tm_zone : ""};
}

// ---- timedelta ---------------------------------------------------------------------------------

class TimeDeltaObject final : public HostObject {
 public:
  explicit TimeDeltaObject(int64_t micros) : micros_(micros) {}
  int64_t micros() const { return micros_; }
  int64_t days() const { return floor_div(micros_, kMicrosPerDay); }
  int64_t seconds() const { return (micros_ - days() * kMicrosPerDay) / kMicrosPerSecond; }
  int64_t microseconds() const { return floor_mod(micros_, kMicrosPerSecond); }

  std::string_view type_name() const override { return "datetime.timedelta"; }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    if (attr == "days") return Value(days());
    if (attr == "seconds") return Value(seconds());
    if (attr == "microseconds") return Value(microseconds());
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs&, Runtime&) override {
    if (method == "total_seconds") {
      return Value(static_cast<double>(micros_) / static_cast<double>(kMicrosPerSecond));
    }
    return std::nullopt;
  }
  std::optional<Value> arithmetic(std::string_view op, const Value& other, bool reflected) override;
  std::optional<int> compare(const Value& other) const override {
    auto* delta = host_as<TimeDeltaObject>(other);
    if (!delta) return std::nullopt;
    return micros_ < delta->micros_ ? -1 : micros_ > delta->micros_ ? 1 : 0;
  }
  bool equals(const HostObject& other) const override {
    auto* delta = dynamic_cast<const TimeDeltaObject*>(&other);
    return delta && delta->micros_ == micros_;
  }
  bool truthy() const override { return micros_ != 0; }

  // Python: "1 day, 2:03:04.000005", "-1 day, 23:59:59", "0:00:00".
  std::string str() const override {
    int64_t s = seconds();
    std::string out = std::to_string(s / 3600) + ":" + pad(s / 60 % 60, 2) + ":" + pad(s % 60, 2);
    if (int64_t d = days()) {
      out = std::to_string(d) + (d == 1 || d == -1 ? " day, " : " days, ") + out;
    }
    if (int64_t us = microseconds()) out += "." + pad(us, 6);
    return out;
  }
  std::string repr() const override {
    std::string parts;
    auto add = [&](const char* name, int64_t value) {
      if (!value) return;
      if (!parts.empty()) parts += ", ";
      parts += std::string(name) + "=" + std::to_string(value);
    };
    add("days", days());
    add("seconds", seconds());
    add("microseconds", microseconds());
    return "datetime.timedelta(" + (parts.empty() ? std::string("0") : parts) + ")";
  }

 private:
  int64_t micros_;
};

Value make_timedelta(int64_t micros) {
  // Python's limit: |days| <= 999999999.
  if (floor_div(micros, kMicrosPerDay) > 999'999'999 ||
      floor_div(micros, kMicrosPerDay) < -999'999'999) {
    throw_error(ErrorKind::kOverflow, "days=" + std::to_string(floor_div(micros, kMicrosPerDay)) +
                                          "; must have magnitude <= 999999999");
  }
  return Value::host(std::make_shared<TimeDeltaObject>(micros));
}

int64_t checked_micros(long double micros) {
  if (!std::isfinite(static_cast<double>(micros)) || micros > 9.2e18L || micros < -9.2e18L) {
    throw_error(ErrorKind::kOverflow, "timedelta is out of range");
  }
  // Python rounds to the nearest microsecond, halves to even.
  return static_cast<int64_t>(std::nearbyint(micros));
}

std::optional<Value> TimeDeltaObject::arithmetic(std::string_view op, const Value& other,
                                                 bool reflected) {
  if (op == "neg") return make_timedelta(-micros_);
  if (auto* delta = host_as<TimeDeltaObject>(other)) {
    int64_t a = reflected ? delta->micros_ : micros_;
    int64_t b = reflected ? micros_ : delta->micros_;
    if (op == "+") return make_timedelta(a + b);
    if (op == "-") return make_timedelta(a - b);
    if (b == 0 && (op == "/" || op == "//" || op == "%"))
      throw_error(ErrorKind::kZeroDivision, "integer division or modulo by zero");
    if (op == "/") return Value(static_cast<double>(a) / static_cast<double>(b));
    if (op == "//") return Value(floor_div(a, b));
    if (op == "%") return make_timedelta(floor_mod(a, b));
    return std::nullopt;
  }
  if (!other.is_number()) return std::nullopt;
  if (op == "*") {
    if (other.is_float())
      return make_timedelta(checked_micros(micros_ * static_cast<long double>(other.as_float())));
    int64_t product;
    if (__builtin_mul_overflow(micros_, other.as_int(), &product))
      throw_error(ErrorKind::kOverflow, "timedelta is out of range");
    return make_timedelta(product);
  }
  if (reflected) return std::nullopt;
  if (op == "/" || op == "//") {
    if (other.as_float() == 0) throw_error(ErrorKind::kZeroDivision, "division by zero");
    if (op == "//" && other.is_float()) return std::nullopt;
    if (op == "//") return make_timedelta(floor_div(micros_, other.as_int()));
    return make_timedelta(checked_micros(micros_ / static_cast<long double>(other.as_float())));
  }
  return std::nullopt;
}

// ---- date --------------------------------------------------------------------------------------

std::string format_time(std::string_view format, int64_t wall_micros, const TimeZoneObject* zone);

class DateObject final : public HostObject {
 public:
  explicit DateObject(int64_t days) : days_(days) {}
  int64_t days() const { return days_; }

  std::string_view type_name() const override { return "datetime.date"; }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    Civil civil = civil_from_days(days_);
    if (attr == "year") return Value(civil.year);
    if (attr == "month") return Value(civil.month);
    if (attr == "day") return Value(civil.day);
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime&) override;
  std::optional<Value> arithmetic(std::string_view op, const Value& other, bool reflected) override;
  std::optional<int> compare(const Value& other) const override {
    auto* date = host_as<DateObject>(other);
    if (!date) return std::nullopt;
    return days_ < date->days_ ? -1 : days_ > date->days_ ? 1 : 0;
  }
  bool equals(const HostObject& other) const override {
    auto* date = dynamic_cast<const DateObject*>(&other);
    return date && date->days_ == days_;
  }
  std::string str() const override {
    Civil c = civil_from_days(days_);
    return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2);
  }
  std::string repr() const override {
    Civil c = civil_from_days(days_);
    return "datetime.date(" + std::to_string(c.year) + ", " + std::to_string(c.month) + ", " +
           std::to_string(c.day) + ")";
  }

 private:
  int64_t days_;
};

Value make_date(int64_t days) {
  check_day_range(days);
  return Value::host(std::make_shared<DateObject>(days));
}

std::optional<Value> DateObject::call_method(std::string_view method, CallArgs& args, Runtime&) {
  Civil c = civil_from_days(days_);
  if (method == "strftime") {
    return Value(format_time(required_string(args, 0, "format", "strftime"), days_ * kMicrosPerDay,
                             nullptr));
  }
  if (method == "isoformat") return Value(str());
  if (method == "weekday") return Value(weekday_of(days_));
  if (method == "isoweekday") return Value(weekday_of(days_) + 1);
  if (method == "toordinal") return Value(days_ - kMinDay + 1);
  if (method == "replace") {
    int64_t year = optional_int(args, 0, "year").value_or(c.year);
    int64_t month = optional_int(args, 1, "month").value_or(c.month);
    int64_t day = optional_int(args, 2, "day").value_or(c.day);
    check_date(year, month, day);
    return make_date(days_from_civil(year, month, day));
  }
  return std::nullopt;
}

std::optional<Value> DateObject::arithmetic(std::string_view op, const Value& other,
                                            bool reflected) {
  // Python's date arithmetic uses whole days of the timedelta only.
  if (auto* delta = host_as<TimeDeltaObject>(other)) {
    if (op == "+") return make_date(days_ + delta->days());
    if (op == "-" && !reflected) {
      return make_date(days_ + floor_div(-delta->micros(), kMicrosPerDay));
    }
    return std::nullopt;
  }
  if (auto* date = host_as<DateObject>(other); date && op == "-") {
    int64_t difference = reflected ? date->days_ - days_ : days_ - date->days_;
    return make_timedelta(difference * kMicrosPerDay);
  }
  return std::nullopt;
}

// ---- datetime ----------------------------------------------------------------------------------

class DateTimeObject final : public HostObject {
 public:
  DateTimeObject(int64_t wall_micros, ZonePtr zone) : wall_(wall_micros), zone_(std::move(zone)) {}
  int64_t wall() const { return wall_; }
  const ZonePtr& zone() const { return zone_; }
  // Microseconds since the epoch in UTC; naive values count as UTC here.
  int64_t utc() const { return wall_ - (zone_ ? zone_->offset_seconds() * kMicrosPerSecond : 0); }

  std::string_view type_name() const override { return "datetime.datetime"; }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    Fields f = fields_of(wall_);
    if (attr == "year") return Value(f.year);
    if (attr == "month") return Value(f.month);
    if (attr == "day") return Value(f.day);
    if (attr == "hour") return Value(f.hour);
    if (attr == "minute") return Value(f.minute);
    if (attr == "second") return Value(f.second);
    if (attr == "microsecond") return Value(f.microsecond);
    if (attr == "tzinfo") return zone_ ? Value::host(zone_) : Value::none();
    return std::nullopt;
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime&) override;
  std::optional<Value> arithmetic(std::string_view op, const Value& other, bool reflected) override;
  std::optional<int> compare(const Value& other) const override {
    auto* datetime = host_as<DateTimeObject>(other);
    if (!datetime) return std::nullopt;
    if (!zone_ != !datetime->zone_)
      throw_error(ErrorKind::kType, "can't compare offset-naive and offset-aware datetimes");
    return utc() < datetime->utc() ? -1 : utc() > datetime->utc() ? 1 : 0;
  }
  bool equals(const HostObject& other) const override {
    auto* datetime = dynamic_cast<const DateTimeObject*>(&other);
    return datetime && !zone_ == !datetime->zone_ && datetime->utc() == utc();
  }
  std::string str() const override { return isoformat(" "); }
  std::string repr() const override {
    Fields f = fields_of(wall_);
    std::string out = "datetime.datetime(" + std::to_string(f.year) + ", " +
                      std::to_string(f.month) + ", " + std::to_string(f.day) + ", " +
                      std::to_string(f.hour) + ", " + std::to_string(f.minute);
    if (f.second || f.microsecond) out += ", " + std::to_string(f.second);
    if (f.microsecond) out += ", " + std::to_string(f.microsecond);
    if (zone_) out += ", tzinfo=" + zone_->repr();
    return out + ")";
  }

  std::string isoformat(std::string_view separator) const {
    Fields f = fields_of(wall_);
    std::string out = pad(f.year, 4) + "-" + pad(f.month, 2) + "-" + pad(f.day, 2);
    out += separator;
    out += pad(f.hour, 2) + ":" + pad(f.minute, 2) + ":" + pad(f.second, 2);
    if (f.microsecond) out += "." + pad(f.microsecond, 6);
    if (zone_) out += offset_text(zone_->offset_seconds(), ":");
    return out;
  }

 private:
  int64_t wall_;
  ZonePtr zone_;
};

Value make_datetime(int64_t wall_micros, ZonePtr zone) {
  check_day_range(floor_div(wall_micros, kMicrosPerDay));
  return Value::host(std::make_shared<DateTimeObject>(wall_micros, std::move(zone)));
}

// The local wall-clock time of a UTC instant.
int64_t local_wall(int64_t utc_micros) {
  return utc_micros +
         local_offset(floor_div(utc_micros, kMicrosPerSecond)).first * kMicrosPerSecond;
}

// A UTC instant as a datetime: aware in `zone`, or naive local time when there is none.
Value datetime_at(int64_t utc_micros, ZonePtr zone) {
  if (zone) return make_datetime(utc_micros + zone->offset_seconds() * kMicrosPerSecond, zone);
  return make_datetime(local_wall(utc_micros), nullptr);
}

// The UTC instant of a naive local time, as Python's timestamp() and astimezone() read it.
int64_t local_to_utc(int64_t wall_micros) {
  Fields f = fields_of(wall_micros);
  std::tm parts{};
  parts.tm_year = static_cast<int>(f.year - 1900);
  parts.tm_mon = static_cast<int>(f.month - 1);
  parts.tm_mday = static_cast<int>(f.day);
  parts.tm_hour = static_cast<int>(f.hour);
  parts.tm_min = static_cast<int>(f.minute);
  parts.tm_sec = static_cast<int>(f.second);
  parts.tm_isdst = -1;
  return static_cast<int64_t>(std::mktime(&parts)) * kMicrosPerSecond + f.microsecond;
}

std::optional<Value> DateTimeObject::call_method(std::string_view method, CallArgs& args,
                                                 Runtime&) {
  Fields f = fields_of(wall_);
  if (method == "strftime") {
    return Value(format_time(required_string(args, 0, "format", "strftime"), wall_, zone_.get()));
  }
  if (method == "isoformat") {
    const Value* separator = args.find(0, "sep");
    return Value(isoformat(separator && separator->is_string() ? separator->as_string() : "T"));
  }
  if (method == "date") return make_date(f.days);
  if (method == "weekday") return Value(weekday_of(f.days));
  if (method == "isoweekday") return Value(weekday_of(f.days) + 1);
  if (method == "timestamp") {
    int64_t instant = zone_ ? utc() : local_to_utc(wall_);
    return Value(static_cast<double>(instant) / static_cast<double>(kMicrosPerSecond));
  }
  if (method == "utcoffset") {
    return zone_ ? make_timedelta(zone_->offset_seconds() * kMicrosPerSecond) : Value::none();
  }
  if (method == "tzname") return zone_ ? Value(zone_->name()) : Value::none();
  if (method == "astimezone") {
    int64_t instant = zone_ ? utc() : local_to_utc(wall_);
    ZonePtr target = zone_arg(args.find(0, "tz"));
    if (!target) {
      auto [offset, name] = local_offset(floor_div(instant, kMicrosPerSecond));
      target = std::make_shared<TimeZoneObject>(TimeZoneObject::Flavor::kStdlib, offset, name);
    }
    return datetime_at(instant, target);
  }
  if (method == "replace") {
    int64_t year = optional_int(args, 0, "year").value_or(f.year);
    int64_t month = optional_int(args, 1, "month").value_or(f.month);
    int64_t day = optional_int(args, 2, "day").value_or(f.day);
    int64_t hour = optional_int(args, 3, "hour").value_or(f.hour);
    int64_t minute = optional_int(args, 4, "minute").value_or(f.minute);
    int64_t second = optional_int(args, 5, "second").value_or(f.second);
    int64_t microsecond = optional_int(args, 6, "microsecond").value_or(f.microsecond);
    check_date(year, month, day);
    check_time(hour, minute, second, microsecond);
    ZonePtr zone = zone_;
    if (const Value* tz = args.find(7, "tzinfo")) zone = zone_arg(tz);
    return make_datetime(wall_of(year, month, day, hour, minute, second, microsecond), zone);
  }
  return std::nullopt;
}

std::optional<Value> DateTimeObject::arithmetic(std::string_view op, const Value& other,
                                                bool reflected) {
  if (auto* delta = host_as<TimeDeltaObject>(other)) {
    if (op == "+") return make_datetime(wall_ + delta->micros(), zone_);
    if (op == "-" && !reflected) return make_datetime(wall_ - delta->micros(), zone_);
    return std::nullopt;
  }
  if (auto* datetime = host_as<DateTimeObject>(other); datetime && op == "-") {
    if (!zone_ != !datetime->zone_)
      throw_error(ErrorKind::kType, "can't subtract offset-naive and offset-aware datetimes");
    int64_t difference = reflected ? datetime->utc() - utc() : utc() - datetime->utc();
    return make_timedelta(difference);
  }
  return std::nullopt;
}

// ---- strftime ----------------------------------------------------------------------------------

// Python's strftime on glibc with the C locale. Unknown directives are copied as written.
std::string format_time(std::string_view format, int64_t wall_micros, const TimeZoneObject* zone) {
  Fields f = fields_of(wall_micros);
  int64_t weekday = weekday_of(f.days);                   // Monday 0
  int64_t sunday_weekday = (weekday + 1) % 7;             // Sunday 0
  int64_t yday = f.days - days_from_civil(f.year, 1, 1);  // 0-based
  int64_t hour12 = f.hour % 12 == 0 ? 12 : f.hour % 12;
  // ISO 8601 week: the week holding the year's first Thursday is week 1.
  int64_t thursday = f.days + (3 - weekday);
  int64_t iso_year = civil_from_days(thursday).year;
  int64_t iso_week = (thursday - days_from_civil(iso_year, 1, 1)) / 7 + 1;
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%' || i + 1 == format.size()) {
      out += c;
      continue;
    }
    char directive = format[++i];
    switch (directive) {
      case 'a':
        out += kDayAbbr[weekday];
        break;
      case 'A':
        out += kDayFull[weekday];
        break;
      case 'w':
        out += std::to_string(sunday_weekday);
        break;
      case 'u':
        out += std::to_string(weekday + 1);
        break;
      case 'd':
        out += pad(f.day, 2);
        break;
      case 'e':
        out += pad(f.day, 2, ' ');
        break;
      case 'b':
      case 'h':
        out += kMonthAbbr[f.month - 1];
        break;
      case 'B':
        out += kMonthFull[f.month - 1];
        break;
      case 'm':
        out += pad(f.month, 2);
        break;
      case 'y':
        out += pad(f.year % 100, 2);
        break;
      case 'Y':
        out += pad(f.year, 4);
        break;
      case 'C':
        out += pad(f.year / 100, 2);
        break;
      case 'G':
        out += pad(iso_year, 4);
        break;
      case 'V':
        out += pad(iso_week, 2);
        break;
      case 'H':
        out += pad(f.hour, 2);
        break;
      case 'k':
        out += pad(f.hour, 2, ' ');
        break;
      case 'I':
        out += pad(hour12, 2);
        break;
      case 'l':
        out += pad(hour12, 2, ' ');
        break;
      case 'p':
        out += f.hour < 12 ? "AM" : "PM";
        break;
      case 'M':
        out += pad(f.minute, 2);
        break;
      case 'S':
        out += pad(f.second, 2);
        break;
      case 'f':
        out += pad(f.microsecond, 6);
        break;
      case 'j':
        out += pad(yday + 1, 3);
        break;
      case 'U':
        out += pad((yday + 7 - sunday_weekday) / 7, 2);
        break;
      case 'W':
        out += pad((yday + 7 - weekday) / 7, 2);
        break;
      case 'z':
        if (zone) out += offset_text(zone->offset_seconds(), "");
        break;
      case 'Z':
        if (zone) out += zone->name();
        break;
      case 'c':
        out += format_time("%a %b %e %H:%M:%S %Y", wall_micros, zone);
        break;
      case 'x':
        out += format_time("%m/%d/%y", wall_micros, zone);
        break;
      case 'X':
      case 'T':
        out += format_time("%H:%M:%S", wall_micros, zone);
        break;
      case 'D':
        out += format_time("%m/%d/%y", wall_micros, zone);
        break;
      case 'F':
        out += format_time("%Y-%m-%d", wall_micros, zone);
        break;
      case 'R':
        out += format_time("%H:%M", wall_micros, zone);
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        out += directive;
    }
  }
  return out;
}

// ---- strptime ----------------------------------------------------------------------------------

struct ParsedTime {
  int64_t year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0;
  std::optional<int64_t> day_of_year;
  std::optional<int64_t> hour12;
  std::optional<bool> pm;
  std::optional<int64_t> offset_seconds;
};

class TimeParser {
 public:
  TimeParser(std::string_view text, std::string_view format) : text_(text), format_(format) {}

  ParsedTime parse() {
    ParsedTime out;
    size_t i = 0;
    while (i < format_.size()) {
      char c = format_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        // Whitespace in the format stands for one or more whitespace characters.
        while (i < format_.size() && std::isspace(static_cast<unsigned char>(format_[i]))) ++i;
        if (pos_ >= text_.size() || !std::isspace(static_cast<unsigned char>(text_[pos_])))
          mismatch();
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        continue;
      }
      if (c != '%' || i + 1 == format_.size()) {
        if (pos_ >= text_.size() || std::tolower(static_cast<unsigned char>(text_[pos_])) !=
                                        std::tolower(static_cast<unsigned char>(c))) {
          mismatch();
        }
        ++pos_;
        ++i;
        continue;
      }
      directive(format_[i + 1], out);
      i += 2;
    }
    if (pos_ < text_.size()) {
      throw_error(ErrorKind::kValue,
                  "unconverted data remains: " + std::string(text_.substr(pos_)));
    }
    return out;
  }

 private:
  [[noreturn]] void mismatch() {
    throw_error(ErrorKind::kValue, "time data '" + std::string(text_) +
                                       "' does not match format '" + std::string(format_) + "'");
  }

  // Up to `max_digits` digits whose value lies in [low, high], preferring the longest.
  int64_t number(int min_digits, int max_digits, int64_t low, int64_t high) {
    size_t available = 0;
    while (pos_ + available < text_.size() && available < static_cast<size_t>(max_digits) &&
           std::isdigit(static_cast<unsigned char>(text_[pos_ + available]))) {
      ++available;
    }
    for (size_t width = available; width >= static_cast<size_t>(min_digits) && width > 0; --width) {
      int64_t value = std::stoll(std::string(text_.substr(pos_, width)));
      if (value >= low && value <= high) {
        pos_ += width;
        return value;
      }
    }
    mismatch();
  }

  // One of `names` (case-insensitive, longest first); returns its index.
  size_t name(const char* const* names, size_t count) {
    size_t best = count, best_length = 0;
    for (size_t k = 0; k < count; ++k) {
      std::string_view candidate = names[k];
      if (candidate.size() <= best_length || pos_ + candidate.size() > text_.size()) continue;
      bool same = true;
      for (size_t j = 0; j < candidate.size() && same; ++j) {
        same = std::tolower(static_cast<unsigned char>(text_[pos_ + j])) ==
               std::tolower(static_cast<unsigned char>(candidate[j]));
      }
      if (same) {
        best = k;
        best_length = candidate.size();
      }
    }
    if (best == count) mismatch();
    pos_ += best_length;
    return best;
  }

  void directive(char d, ParsedTime& out) {
    switch (d) {
      case 'Y':
        out.year = number(4, 4, 0, 9999);
        break;
      case 'y': {
        int64_t two = number(2, 2, 0, 99);
        out.year = two < 69 ? 2000 + two : 1900 + two;
        break;
      }
      case 'm':
        out.month = number(1, 2, 1, 12);
        break;
      case 'd':
        out.day = number(1, 2, 1, 31);
        break;
      case 'H':
        out.hour = number(1, 2, 0, 23);
        break;
      case 'I':
        out.hour12 = number(1, 2, 1, 12);
        break;
      case 'M':
        out.minute = number(1, 2, 0, 59);
        break;
      case 'S':
        out.second = number(1, 2, 0, 61);
        break;
      case 'j':
        out.day_of_year = number(1, 3, 1, 366);
        break;
      case 'f': {
        size_t start = pos_;
        number(1, 6, 0, 999999);
        std::string digits(text_.substr(start, pos_ - start));
        digits.append(6 - digits.size(), '0');
        out.microsecond = std::stoll(digits);
        break;
      }
      case 'b':
      case 'h':
      case 'B': {
        const char* names[24];
        for (size_t k = 0; k < 12; ++k) {
          names[k] = kMonthFull[k];
          names[k + 12] = kMonthAbbr[k];
        }
        out.month = static_cast<int64_t>(name(names, 24) % 12) + 1;
        break;
      }
      case 'a':
      case 'A': {
        const char* names[14];
        for (size_t k = 0; k < 7; ++k) {
          names[k] = kDayFull[k];
          names[k + 7] = kDayAbbr[k];
        }
        name(names, 14);  // checked, not used: the date decides the weekday
        break;
      }
      case 'p': {
        const char* names[] = {"AM", "PM"};
        out.pm = name(names, 2) == 1;
        break;
      }
      case 'z': {
        if (pos_ < text_.size() && (text_[pos_] == 'Z' || text_[pos_] == 'z')) {
          ++pos_;
          out.offset_seconds = 0;
          break;
        }
        if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) mismatch();
        int64_t sign = text_[pos_++] == '-' ? -1 : 1;
        int64_t hours = number(2, 2, 0, 23);
        if (pos_ < text_.size() && text_[pos_] == ':') ++pos_;
        int64_t minutes = number(2, 2, 0, 59);
        int64_t seconds = 0;
        bool colon_seconds = pos_ + 1 < text_.size() && text_[pos_] == ':' &&
                             std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]));
        if (colon_seconds) ++pos_;
        if (colon_seconds ||
            (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))) {
          seconds = number(2, 2, 0, 59);
        }
        out.offset_seconds = sign * (hours * 3600 + minutes * 60 + seconds);
        break;
      }
      case 'Z': {
        const char* names[] = {"UTC", "GMT"};
        name(names, 2);
        break;
      }
      case '%':
        if (pos_ >= text_.size() || text_[pos_] != '%') mismatch();
        ++pos_;
        break;
      default:
        throw_error(ErrorKind::kValue,
                    std::string("'") + d + "' is a bad directive in format '%" + d + "'");
    }
  }

  std::string_view text_;
  std::string_view format_;
  size_t pos_ = 0;
};

Value parse_strptime(const std::string& text, const std::string& format) {
  ParsedTime parsed = TimeParser(text, format).parse();
  if (parsed.hour12) parsed.hour = *parsed.hour12 % 12 + (parsed.pm.value_or(false) ? 12 : 0);
  if (parsed.day_of_year) {
    int64_t days = days_from_civil(parsed.year, 1, 1) + *parsed.day_of_year - 1;
    Civil civil = civil_from_days(days);
    parsed.month = civil.month;
    parsed.day = civil.day;
  }
  check_date(parsed.year, parsed.month, parsed.day);
  if (parsed.second > 59) parsed.second = 59;  // Python clamps leap seconds the same way
  ZonePtr zone;
  if (parsed.offset_seconds) {
    zone = *parsed.offset_seconds == 0
               ? stdlib_utc()
               : std::make_shared<TimeZoneObject>(TimeZoneObject::Flavor::kStdlib,
                                                  *parsed.offset_seconds);
  }
  return make_datetime(wall_of(parsed.year, parsed.month, parsed.day, parsed.hour, parsed.minute,
                               parsed.second, parsed.microsecond),
                       zone);
}

// datetime.fromisoformat: "YYYY-MM-DD[(T| )HH[:MM[:SS[.ffffff]]]][Z|±HH:MM[:SS]]".
Value from_isoformat(const std::string& text, bool date_only) {
  auto invalid = [&]() -> Value {
    throw_error(ErrorKind::kValue, "Invalid isoformat string: '" + text + "'");
  };
  auto digits = [&](size_t at, size_t count) -> std::optional<int64_t> {
    if (at + count > text.size()) return std::nullopt;
    for (size_t k = at; k < at + count; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(text[k]))) return std::nullopt;
    }
    return std::stoll(text.substr(at, count));
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (!year || !month || !day || text.size() < 10 || text[4] != '-' || text[7] != '-')
    return invalid();
  check_date(*year, *month, *day);
  if (date_only) {
    if (text.size() != 10) return invalid();
    return make_date(days_from_civil(*year, *month, *day));
  }
  int64_t hour = 0, minute = 0, second = 0, microsecond = 0;
  ZonePtr zone;
  size_t at = 10;
  if (at < text.size()) {
    if (text[at] != 'T' && text[at] != ' ') return invalid();
    ++at;
    auto h = digits(at, 2);
    if (!h) return invalid();
    hour = *h;
    at += 2;
    if (at < text.size() && text[at] == ':') {
      auto m = digits(at + 1, 2);
      if (!m) return invalid();
      minute = *m;
      at += 3;
      if (at < text.size() && text[at] == ':') {
        auto s = digits(at + 1, 2);
        if (!s) return invalid();
        second = *s;
        at += 3;
        if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
          size_t start = ++at;
          while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
          std::string fraction = text.substr(start, std::min<size_t>(at - start, 6));
          if (fraction.empty()) return invalid();
          fraction.append(6 - fraction.size(), '0');
          microsecond = std::stoll(fraction);
        }
      }
    }
    if (at < text.size()) {
      if (text[at] == 'Z' && at + 1 == text.size()) {
        zone = stdlib_utc();
      } else if (text[at] == '+' || text[at] == '-') {
        int64_t sign = text[at] == '-' ? -1 : 1;
        auto oh = digits(at + 1, 2), om = digits(at + 4, 2);
        if (!oh || !om || text[at + 3] != ':') return invalid();
        int64_t offset = sign * (*oh * 3600 + *om * 60);
        at += 6;
        if (at < text.size()) {
          auto os = digits(at + 1, 2);
          if (!os || text[at] != ':' || at + 3 != text.size()) return invalid();
          offset += sign * *os;
        }
        zone = offset == 0
                   ? stdlib_utc()
                   : std::make_shared<TimeZoneObject>(TimeZoneObject::Flavor::kStdlib, offset);
      } else {
        return invalid();
      }
    }
  }
  check_time(hour, minute, second, microsecond);
  return make_datetime(wall_of(*year, *month, *day, hour, minute, second, microsecond), zone);
}

// ---- the classes (callable, with class methods) -----------------------------------------------

int64_t micros_since_epoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

int64_t timestamp_micros(const CallArgs& args, std::string_view function) {
  const Value* value = args.find(0, "timestamp");
  if (!value || !value->is_number()) {
    throw_error(ErrorKind::kType, std::string(function) + "() needs a number of seconds");
  }
  return checked_micros(static_cast<long double>(value->as_float()) * kMicrosPerSecond);
}

class DateTimeClass final : public HostObject {
 public:
  explicit DateTimeClass(WallClock clock) : clock_(std::move(clock)) {}
  std::string_view type_name() const override { return "type"; }
  bool is_callable() const override { return true; }
  Value call(CallArgs& args, Runtime&) override {
    int64_t year = required_int(args, 0, "year", "datetime");
    int64_t month = required_int(args, 1, "month", "datetime");
    int64_t day = required_int(args, 2, "day", "datetime");
    int64_t hour = optional_int(args, 3, "hour").value_or(0);
    int64_t minute = optional_int(args, 4, "minute").value_or(0);
    int64_t second = optional_int(args, 5, "second").value_or(0);
    int64_t microsecond = optional_int(args, 6, "microsecond").value_or(0);
    check_date(year, month, day);
    check_time(hour, minute, second, microsecond);
    return make_datetime(wall_of(year, month, day, hour, minute, second, microsecond),
                         zone_arg(args.find(7, "tzinfo")));
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime&) override {
    int64_t now = micros_since_epoch(clock_());
    if (method == "now") return datetime_at(now, zone_arg(args.find(0, "tz")));
    if (method == "today") return datetime_at(now, nullptr);
    if (method == "utcnow") return make_datetime(now, nullptr);
    if (method == "strptime") {
      return parse_strptime(required_string(args, 0, "date_string", "strptime"),
                            required_string(args, 1, "format", "strptime"));
    }
    if (method == "fromisoformat") {
      return from_isoformat(required_string(args, 0, "date_string", "fromisoformat"), false);
    }
    if (method == "fromtimestamp") {
      return datetime_at(timestamp_micros(args, method), zone_arg(args.find(1, "tz")));
    }
    if (method == "utcfromtimestamp") return make_datetime(timestamp_micros(args, method), nullptr);
    if (method == "combine") {
      auto* date = host_as<DateObject>(args.get(0, "date"));
      if (!date) throw_error(ErrorKind::kType, "combine() needs a date");
      return make_datetime(date->days() * kMicrosPerDay, zone_arg(args.find(2, "tzinfo")));
    }
    return std::nullopt;
  }
  std::string str() const override { return "<class 'datetime.datetime'>"; }

 private:
  WallClock clock_;
};

class DateClass final : public HostObject {
 public:
  explicit DateClass(WallClock clock) : clock_(std::move(clock)) {}
  std::string_view type_name() const override { return "type"; }
  bool is_callable() const override { return true; }
  Value call(CallArgs& args, Runtime&) override {
    int64_t year = required_int(args, 0, "year", "date");
    int64_t month = required_int(args, 1, "month", "date");
    int64_t day = required_int(args, 2, "day", "date");
    check_date(year, month, day);
    return make_date(days_from_civil(year, month, day));
  }
  std::optional<Value> call_method(std::string_view method, CallArgs& args, Runtime&) override {
    if (method == "today") {
      int64_t now = micros_since_epoch(clock_());
      return make_date(floor_div(local_wall(now), kMicrosPerDay));
    }
    if (method == "fromisoformat") {
      return from_isoformat(required_string(args, 0, "date_string", "fromisoformat"), true);
    }
    if (method == "fromtimestamp") {
      return make_date(floor_div(local_wall(timestamp_micros(args, method)), kMicrosPerDay));
    }
    if (method == "fromordinal") {
      return make_date(required_int(args, 0, "ordinal", "fromordinal") + kMinDay - 1);
    }
    return std::nullopt;
  }
  std::string str() const override { return "<class 'datetime.date'>"; }

 private:
  WallClock clock_;
};

class TimeDeltaClass final : public HostObject {
 public:
  std::string_view type_name() const override { return "type"; }
  bool is_callable() const override { return true; }
  // timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks); floats allowed.
  Value call(CallArgs& args, Runtime&) override {
    static const std::pair<const char*, int64_t> kUnits[] = {{"days", kMicrosPerDay},
                                                             {"seconds", kMicrosPerSecond},
                                                             {"microseconds", 1},
                                                             {"milliseconds", 1000},
                                                             {"minutes", 60 * kMicrosPerSecond},
                                                             {"hours", 3600 * kMicrosPerSecond},
                                                             {"weeks", 7 * kMicrosPerDay}};
    long double total = 0;
    for (size_t i = 0; i < std::size(kUnits); ++i) {
      const Value* value = args.find(i, kUnits[i].first);
      if (!value) continue;
      if (!value->is_number()) {
        throw_error(ErrorKind::kType, std::string("unsupported type for timedelta ") +
                                          kUnits[i].first +
                                          " component: " + std::string(value->type_name()));
      }
      long double amount = value->is_float() ? static_cast<long double>(value->as_float())
                                             : static_cast<long double>(value->as_int());
      total += amount * static_cast<long double>(kUnits[i].second);
    }
    for (const auto& [key, value] : args.keyword) {
      bool known = false;
      for (const auto& unit : kUnits) known = known || key == unit.first;
      if (!known) {
        throw_error(ErrorKind::kType, "'" + key + "' is an invalid keyword argument for __new__()");
      }
    }
    return make_timedelta(checked_micros(total));
  }
  std::string str() const override { return "<class 'datetime.timedelta'>"; }
};

class TimeZoneClass final : public HostObject {
 public:
  std::string_view type_name() const override { return "type"; }
  bool is_callable() const override { return true; }
  Value call(CallArgs& args, Runtime&) override {
    auto* delta = host_as<TimeDeltaObject>(args.get(0, "offset"));
    if (!delta) throw_error(ErrorKind::kType, "timezone() argument 1 must be datetime.timedelta");
    if (delta->micros() % kMicrosPerSecond) {
      throw_error(ErrorKind::kValue, "kiln's timezone offsets are whole seconds");
    }
    const Value* name = args.find(1, "name");
    return Value::host(std::make_shared<TimeZoneObject>(
        TimeZoneObject::Flavor::kStdlib, delta->micros() / kMicrosPerSecond,
        name && name->is_string() ? name->as_string() : ""));
  }
  std::optional<Value> get_attr(std::string_view attr, Runtime&) override {
    if (attr == "utc") return Value::host(stdlib_utc());
    return std::nullopt;
  }
  std::string str() const override { return "<class 'datetime.timezone'>"; }
};

std::optional<Value> TimeZoneObject::call_method(std::string_view method, CallArgs& args,
                                                 Runtime&) {
  if (method == "utcoffset" || method == "dst") {
    return make_timedelta(method == "dst" ? 0 : offset_seconds_ * kMicrosPerSecond);
  }
  if (method == "tzname") return Value(name_);
  if (method == "localize" || method == "normalize") {
    Value value = args.get(0, "dt");
    auto* datetime = host_as<DateTimeObject>(value);
    if (!datetime) throw_error(ErrorKind::kType, std::string(method) + "() needs a datetime");
    if (method == "normalize") return value;
    if (datetime->zone())
      throw_error(ErrorKind::kValue, "Not naive datetime (tzinfo is already set)");
    return make_datetime(datetime->wall(), shared_from_this());
  }
  return std::nullopt;
}

}  // namespace

Value make_datetime_module(WallClock clock) {
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  return Value::dict()
      .set("datetime", Value::host(std::make_shared<DateTimeClass>(clock)))
      .set("date", Value::host(std::make_shared<DateClass>(clock)))
      .set("timedelta", Value::host(std::make_shared<TimeDeltaClass>()))
      .set("timezone", Value::host(std::make_shared<TimeZoneClass>()))
      .set("MINYEAR", Value(int64_t{1}))
      .set("MAXYEAR", Value(int64_t{9999}));
}

Value make_pytz_module() {
  Value utc = Value::host(pytz_utc());
  return Value::dict()
      .set("utc", utc)
      .set("UTC", utc)
      .set("timezone", Value::function(
                           [utc](CallArgs& args, Runtime&) -> Value {
                             std::string name = required_string(args, 0, "zone", "timezone");
                             if (name == "UTC" || name == "utc" || name == "Etc/UTC" ||
                                 name == "GMT" || name == "Etc/GMT" || name == "Zulu") {
                               return utc;
                             }
                             throw_error(ErrorKind::kValue, "unknown time zone '" + name +
                                                                "': kiln's pytz offers only UTC");
                           },
                           "timezone"));
}

Value make_utc_datetime(std::chrono::system_clock::time_point time) {
  return make_datetime(micros_since_epoch(time), pytz_utc());
}

}  // namespace kiln
