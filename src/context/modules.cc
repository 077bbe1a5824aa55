#include "context/modules.h"

#include <utility>

namespace kiln {

jinja::Value make_modules(WallClock clock) {
  return jinja::Value::dict()
      .set("datetime", make_datetime_module(std::move(clock)))
      .set("pytz", make_pytz_module())
      .set("re", make_re_module())
      .set("itertools", make_itertools_module());
}

}  // namespace kiln
