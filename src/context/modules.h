#pragma once

#include <chrono>
#include <functional>

#include "jinja/value.h"

namespace kiln {

// What `now()` reads; tests pass a fixed one.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

// dbt's `modules` context variable: the Python modules dbt projects reach for, as host objects.
//   modules.datetime   datetime / date / timedelta / timezone.utc (module_datetime.cc)
//   modules.pytz       utc and timezone('UTC') only (module_datetime.cc)
//   modules.re         match, search, sub, findall, split, compile, ... (module_re.cc)
//   modules.itertools  chain, product, combinations, permutations, groupby, ...
//   (module_itertools.cc)
// An empty clock reads the system clock; naive local times follow the process's TZ.
jinja::Value make_modules(WallClock clock = {});

jinja::Value make_datetime_module(WallClock clock);
jinja::Value make_pytz_module();
jinja::Value make_re_module();
jinja::Value make_itertools_module();

// A timezone-aware UTC datetime (pytz's utc), as dbt's `run_started_at` is.
jinja::Value make_utc_datetime(std::chrono::system_clock::time_point time);

}  // namespace kiln
