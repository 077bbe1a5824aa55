// Runtime objects the interpreter creates: macros, modules, loop state, namespaces.
#pragma once

#include <memory>
#include <string>

#include "jinja/interpreter.h"

namespace kiln::jinja {

class MacroObject final : public Callable, public std::enable_shared_from_this<MacroObject> {
 public:
  Value call(CallArgs& args, Runtime& rt) override;
  std::string_view name() const override { return def->name; }
  FramePtr closure() const;

  TemplatePtr tmpl;  // keeps `def` alive
  const MacroDef* def = nullptr;
  // Macros stored in the scope they close over hold it weakly (no reference cycle); copies
  // handed out of a module hold it strongly.
  std::weak_ptr<Frame> weak_closure;
  FramePtr strong_closure;
};

class ModuleObject final : public HostObject {
 public:
  std::string_view type_name() const override { return "TemplateModule"; }
  std::optional<Value> get_attr(std::string_view name, Runtime& rt) override;
  std::optional<std::vector<Value>> iterate(Runtime& rt) override;
  std::string str() const override { return body; }
  std::string repr() const override { return "<Module '" + (tmpl ? tmpl->name() : "") + "'>"; }

  FramePtr root;
  TemplatePtr tmpl;
  std::string body;
};

class LoopObject final : public HostObject {
 public:
  std::string_view type_name() const override { return "LoopContext"; }
  std::optional<Value> get_attr(std::string_view name, Runtime& rt) override;
  std::optional<Value> call_method(std::string_view name, CallArgs& args, Runtime& rt) override;
  bool is_callable() const override { return true; }
  Value call(CallArgs& args, Runtime& rt) override;
  std::string str() const override { return "<LoopContext>"; }

  Interp* interp = nullptr;
  const ForStmt* stmt = nullptr;
  std::weak_ptr<Frame> outer;
  int depth0 = 0;
  int64_t index0 = 0;
  const std::vector<Value>* items = nullptr;  // null once the loop has ended
  Value last_changed;
  bool has_last_changed = false;
};

}  // namespace kiln::jinja
