#include "context/modules.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include "jinja/environment.h"
#include "jinja/error.h"

namespace kiln {
namespace {

// 2024-03-05 14:07:09.123456 UTC, a Tuesday.
std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::microseconds(1709647629123456));
}

class ModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Naive local times follow TZ; pin it so the expected text is the same everywhere.
    const char* tz = getenv("TZ");
    saved_tz_ = tz ? std::optional<std::string>(tz) : std::nullopt;
    setenv("TZ", "UTC", 1);
    tzset();
    env_.set_global("modules", make_modules(fixed_now));
  }
  void TearDown() override {
    if (saved_tz_) {
      setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  std::string render(const std::string& text) { return env_.render(text); }
  std::string error_of(const std::string& text) {
    try {
      render(text);
    } catch (const jinja::Error& error) {
      return error.message();
    }
    return "no error";
  }

  jinja::Environment env_;
  std::optional<std::string> saved_tz_;
};

struct RenderCase {
  const char* name;
  const char* text;
  const char* expected;
};

// Each expected text is what Python's Jinja2 renders with the real datetime, re and itertools
// modules (and a clock fixed at the same instant).
const RenderCase kCases[] = {
    {"now_strftime", "{{ modules.datetime.datetime.now().strftime('%Y-%m-%d') }}", "2024-03-05"},
    {"now_str",
     "{{ modules.datetime.datetime.now() }}|{{ modules.datetime.datetime.utcnow().isoformat() }}",
     "2024-03-05 14:07:09.123456|2024-03-05T14:07:09.123456"},
    {"today",
     "{{ modules.datetime.date.today() }}|{{ modules.datetime.date.today() - "
     "modules.datetime.timedelta(days=7) }}",
     "2024-03-05|2024-02-27"},
    {"strftime_all",
     "{% set d = modules.datetime.datetime(2024, 1, 7, 3, 4, 5, 6) %}{{ d.strftime('%a %A %w %d %b "
     "%B %m %y %Y %H %I %p %M %S %f %j %U %W %% %G-W%V-%u %e') }}",
     "Sun Sunday 0 07 Jan January 01 24 2024 03 03 AM 04 05 000006 007 01 01 % 2024-W01-7  7"},
    {"arith",
     "{% set dt = modules.datetime.datetime(2024, 2, 28, 23, 30) %}{{ dt + "
     "modules.datetime.timedelta(hours=1) }}|{{ dt - modules.datetime.timedelta(days=59, "
     "minutes=30) }}|{{ (modules.datetime.datetime(2024, 3, 1) - dt) }}|{{ (dt - "
     "modules.datetime.datetime(2024, 3, 1)).days }}",
     "2024-02-29 00:30:00|2023-12-31 23:00:00|1 day, 0:30:00|-2"},
    {"timedelta_str",
     "{{ modules.datetime.timedelta(days=2, hours=3, minutes=4, seconds=5) }}|{{ "
     "modules.datetime.timedelta(seconds=-1) }}|{{ modules.datetime.timedelta(milliseconds=1500) "
     "}}|{{ modules.datetime.timedelta(weeks=1).total_seconds() }}|{{ "
     "modules.datetime.timedelta(hours=36).days }},{{ modules.datetime.timedelta(hours=36).seconds "
     "}}|{{ modules.datetime.timedelta(0) }}|{{ modules.datetime.timedelta(days=1) * 3 }}|{{ "
     "modules.datetime.timedelta(days=1) / modules.datetime.timedelta(hours=6) }}|{{ "
     "-modules.datetime.timedelta(hours=1) }}",
     "2 days, 3:04:05|-1 day, 23:59:59|0:00:01.500000|604800.0|1,43200|0:00:00|3 days, "
     "0:00:00|4.0|-1 day, 23:00:00"},
    {"reprs",
     "{{ [modules.datetime.datetime(2024, 1, 2), modules.datetime.datetime(2024, 1, 2, 3, 4, 5, "
     "6), modules.datetime.date(2024, 1, 2), modules.datetime.timedelta(days=1, seconds=5), "
     "modules.datetime.timedelta(0)] }}",
     "[datetime.datetime(2024, 1, 2, 0, 0), datetime.datetime(2024, 1, 2, 3, 4, 5, 6), "
     "datetime.date(2024, 1, 2), datetime.timedelta(days=1, seconds=5), datetime.timedelta(0)]"},
    {"strptime",
     "{% set p = modules.datetime.datetime.strptime('2024-03-05 17:08:09', '%Y-%m-%d %H:%M:%S') "
     "%}{{ p }}|{{ p.year }}-{{ p.month }}-{{ p.day }}|{{ modules.datetime.datetime.strptime('5 "
     "Mar 24 5PM', '%d %b %y %I%p') }}|{{ "
     "modules.datetime.datetime.strptime('2024-03-05T10:00:00.5+0200', '%Y-%m-%dT%H:%M:%S.%f%z') "
     "}}",
     "2024-03-05 17:08:09|2024-3-5|2024-03-05 17:00:00|2024-03-05 10:00:00.500000+02:00"},
    {"compare",
     "{% set a = modules.datetime.date(2024, 1, 1) %}{% set b = modules.datetime.date(2024, 6, 1) "
     "%}{{ a < b }} {{ a == modules.datetime.date(2024, 1, 1) }} {{ [b, a] | sort | join(',') }} "
     "{{ modules.datetime.timedelta(days=1) > modules.datetime.timedelta(hours=23) }}",
     "True True 2024-01-01,2024-06-01 True"},
    {"date_methods",
     "{% set d = modules.datetime.date(2024, 3, 5) %}{{ d.weekday() }} {{ d.isoweekday() }} {{ "
     "d.replace(day=1) }} {{ d.isoformat() }} {{ d.strftime('%Y%m%d') }} {{ "
     "modules.datetime.date.fromisoformat('2023-12-31') + modules.datetime.timedelta(days=1) }}",
     "1 2 2024-03-01 2024-03-05 20240305 2024-01-01"},
    {"fromisoformat",
     "{{ modules.datetime.datetime.fromisoformat('2024-03-05T10:11:12.5+01:00') }}|{{ "
     "modules.datetime.datetime.fromisoformat('2024-03-05') }}|{{ "
     "modules.datetime.datetime.fromisoformat('2024-03-05 10:11') }}",
     "2024-03-05 10:11:12.500000+01:00|2024-03-05 00:00:00|2024-03-05 10:11:00"},
    {"aware",
     "{% set u = modules.datetime.datetime(2024, 3, 5, 12, 0, "
     "tzinfo=modules.datetime.timezone.utc) %}{{ u }}|{{ u.isoformat() }}|{{ u.strftime('%z %Z') "
     "}}|{{ u.timestamp() }}|{{ u.replace(tzinfo=None) }}|{{ "
     "modules.datetime.datetime.now(modules.datetime.timezone.utc).isoformat() }}",
     "2024-03-05 12:00:00+00:00|2024-03-05T12:00:00+00:00|+0000 UTC|1709640000.0|2024-03-05 "
     "12:00:00|2024-03-05T14:07:09.123456+00:00"},
    {"re_basic",
     "{{ modules.re.match('a+', 'aaab').group() }}|{{ modules.re.match('b', 'ab') }}|{{ "
     "modules.re.search('b+', 'abbbc').span() }}|{{ modules.re.sub('[aeiou]', '_', 'education') "
     "}}|{{ modules.re.sub('(\\\\w+)@(\\\\w+)', '\\\\2 at \\\\1', 'me@host you@there') }}|{{ "
     "modules.re.findall('\\\\d+', 'a1b22c333') }}|{{ modules.re.findall('(\\\\w)=(\\\\d)', 'a=1, "
     "b=2') }}|{{ modules.re.split('[,;]\\\\s*', 'a, b;c') }}",
     "aaa|None|(1, 4)|_d_c_t__n|host at me there at you|['1', '22', '333']|[('a', '1'), ('b', "
     "'2')]|['a', 'b', 'c']"},
    {"re_flags",
     "{{ modules.re.findall('abc', 'ABC abc', modules.re.IGNORECASE) }}|{{ "
     "modules.re.match('(?i)hello', 'HeLLo world') is not none }}|{{ modules.re.findall('^\\\\w', "
     "'ab\\ncd', modules.re.M) }}|{{ modules.re.sub('a.c', 'X', 'a\\nc abc', flags=modules.re.S) "
     "}}",
     "['ABC', 'abc']|True|['a', 'c']|X X"},
    {"re_named",
     "{% set m = modules.re.search('(?P<year>\\\\d{4})-(?P<month>\\\\d{2})', 'on 2024-03-05') %}{{ "
     "m.group('year') }} {{ m.group(2) }} {{ m.groups() }} {{ m.groupdict() }} {{ m.start() }} {{ "
     "m.end(1) }} {{ m[0] }}",
     "2024 03 ('2024', '03') {'year': '2024', 'month': '03'} 3 7 2024-03"},
    {"re_compile",
     "{% set p = modules.re.compile('^stg_(\\\\w+)$') %}{{ p.match('stg_orders').group(1) }} {{ "
     "p.match('orders') }} {{ p.pattern }} {{ p.sub('\\\\g<1>', 'stg_x') }}",
     "orders None ^stg_(\\w+)$ x"},
    {"re_split_groups",
     "{{ modules.re.split('(-)', 'a-b-c') }}|{{ modules.re.split('-', 'a-b-c', 1) }}|{{ "
     "modules.re.sub('x*', '-', 'abxd') }}|{{ modules.re.subn('o', '0', 'foo boo') }}|{{ "
     "modules.re.escape('a.b*c') }}|{{ modules.re.fullmatch('\\\\d+', '123') is not none }}{{ "
     "modules.re.fullmatch('\\\\d+', '123a') }}",
     "['a', '-', 'b', '-', 'c']|['a', 'b-c']|-a-b--d-|('f00 b00', 4)|a\\.b\\*c|TrueNone"},
    {"re_match_repr", "{{ modules.re.search('b+', 'abbc') }}",
     "<re.Match object; span=(1, 3), match='bb'>"},
    {"itertools",
     "{{ modules.itertools.chain([1, 2], (3,), 'ab') | list }}|{{ modules.itertools.product('ab', "
     "[1, 2]) | list }}|{{ modules.itertools.combinations([1, 2, 3], 2) | list }}|{{ "
     "modules.itertools.permutations('abc', 2) | list }}|{{ modules.itertools.product([0, 1], "
     "repeat=2) | list }}|{{ modules.itertools.chain.from_iterable([[1], [2, 3]]) | list }}",
     "[1, 2, 3, 'a', 'b']|[('a', 1), ('a', 2), ('b', 1), ('b', 2)]|[(1, 2), (1, 3), (2, 3)]|[('a', "
     "'b'), ('a', 'c'), ('b', 'a'), ('b', 'c'), ('c', 'a'), ('c', 'b')]|[(0, 0), (0, 1), (1, 0), "
     "(1, 1)]|[1, 2, 3]"},
    {"groupby",
     "{% for k, g in modules.itertools.groupby([1, 1, 2, 3, 3, 3]) %}{{ k }}:{{ g | list | length "
     "}};{% endfor %}",
     "1:2;2:1;3:3;"},
    {"itertools_more",
     "{{ modules.itertools.combinations_with_replacement('ab', 2) | list }}|{{ "
     "modules.itertools.islice('abcdef', 1, 5, 2) | list }}|{{ modules.itertools.zip_longest([1, "
     "2], ['a'], fillvalue='-') | list }}|{{ modules.itertools.permutations([1, 2]) | list }}",
     "[('a', 'a'), ('a', 'b'), ('b', 'b')]|['b', 'd']|[(1, 'a'), (2, '-')]|[(1, 2), (2, 1)]"},
};

TEST_F(ModulesTest, RendersAsPythonDoes) {
  for (const RenderCase& c : kCases) {
    EXPECT_EQ(render(c.text), c.expected) << c.name;
  }
}

TEST_F(ModulesTest, PytzOffersUtc) {
  EXPECT_EQ(render("{{ modules.pytz.utc }} {{ modules.pytz.timezone('UTC') == modules.pytz.utc }}"),
            "UTC True");
  EXPECT_EQ(render("{{ modules.datetime.datetime.now(modules.pytz.utc).isoformat() }}"),
            "2024-03-05T14:07:09.123456+00:00");
  EXPECT_EQ(render("{{ modules.pytz.utc.localize(modules.datetime.datetime(2024, 1, 2)) }}"),
            "2024-01-02 00:00:00+00:00");
  EXPECT_EQ(render("{{ [modules.datetime.datetime(2024, 1, 2, tzinfo=modules.pytz.utc)] }}"),
            "[datetime.datetime(2024, 1, 2, 0, 0, tzinfo=<UTC>)]");
  EXPECT_EQ(error_of("{{ modules.pytz.timezone('Europe/Paris') }}"),
            "unknown time zone 'Europe/Paris': kiln's pytz offers only UTC");
}

TEST_F(ModulesTest, UtcDatetimeForRunStartedAt) {
  env_.set_global("started", make_utc_datetime(fixed_now()));
  EXPECT_EQ(render("{{ started }}|{{ started.strftime('%Y%m%d') }}"),
            "2024-03-05 14:07:09.123456+00:00|20240305");
}

TEST_F(ModulesTest, ErrorsReadLikePythons) {
  EXPECT_EQ(error_of("{{ modules.datetime.datetime.strptime('2024-13-05', '%Y-%m-%d') }}"),
            "time data '2024-13-05' does not match format '%Y-%m-%d'");
  EXPECT_EQ(error_of("{{ modules.datetime.datetime.strptime('2024-03-05x', '%Y-%m-%d') }}"),
            "unconverted data remains: x");
  EXPECT_EQ(error_of("{{ modules.datetime.date(2023, 2, 29) }}"), "day is out of range for month");
  EXPECT_EQ(error_of("{{ modules.datetime.datetime(2024, 1, 1) < "
                     "modules.datetime.datetime(2024, 1, 1, tzinfo=modules.pytz.utc) }}"),
            "can't compare offset-naive and offset-aware datetimes");
  EXPECT_EQ(error_of("{{ modules.datetime.date(2024, 1, 1) + 1 }}"),
            "unsupported operand type(s) for +: 'datetime.date' and 'int'");
  EXPECT_EQ(error_of("{{ modules.re.search('(?<=a)b', 'ab') }}"),
            "kiln's re does not support lookbehind (in pattern '(?<=a)b')");
  EXPECT_EQ(error_of("{{ modules.re.sub('a', '\\\\q', 'a') }}"), "bad escape \\q");
}

TEST_F(ModulesTest, RegexTranslationKeepsPythonMeaning) {
  // A brace that is not a repetition is a literal in Python; `{,n}` means `{0,n}`.
  EXPECT_EQ(render("{{ modules.re.findall('{x}', 'a{x}') }}"), "['{x}']");
  EXPECT_EQ(render("{{ modules.re.match('a{,2}', 'aaa').group() }}"), "aa");
  EXPECT_EQ(render("{{ modules.re.findall('[]a]', 'a]b') }}"), "['a', ']']");
  EXPECT_EQ(render("{{ modules.re.sub('(?P<w>o)(?P=w)', '0', 'foo') }}"), "f0");
  EXPECT_EQ(render("{{ modules.re.findall('\\Aab', 'abab') }}"), "['ab']");
  EXPECT_EQ(render("{{ modules.re.findall('a # letter a\n b', 'ab', modules.re.X) }}"), "['ab']");
  // Positions count characters, not bytes.
  EXPECT_EQ(render("{{ modules.re.search('b', 'éb').span() }}"), "(1, 2)");
}

}  // namespace
}  // namespace kiln
