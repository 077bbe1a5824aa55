#include "project/packages.h"

#include <cctype>

#include "project/fields.h"
#include "project/yaml_reader.h"

namespace kiln {
namespace {

std::string last_segment(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  size_t slash = text.rfind('/');
  std::string name = slash == std::string::npos ? text : text.substr(slash + 1);
  if (name.ends_with(".git")) name.resize(name.size() - 4);
  return name;
}

std::filesystem::path packages_dir(const Project& project) {
  return project.root_dir / project.packages_install_path;
}

std::string kind_name(PackageSpec::Kind kind) {
  switch (kind) {
    case PackageSpec::Kind::Local:
      return "local";
    case PackageSpec::Kind::Hub:
      return "hub";
    case PackageSpec::Kind::Git:
      return "git";
    case PackageSpec::Kind::Tarball:
      return "tarball";
  }
  return "package";
}

std::string missing_hint(const PackageSpec& spec, const Project& project) {
  if (spec.kind == PackageSpec::Kind::Local) return "run `kiln deps` to link it";
  return "kiln does not download packages: run `dbt deps` where the package source is reachable "
         "and copy the result, or put the package's files in " +
         project.packages_install_path + "/" + spec.folder;
}

}  // namespace

std::string builtin_substitute(const PackageSpec& spec) {
  std::string source = spec.source;
  for (char& c : source) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (spec.kind == PackageSpec::Kind::Hub &&
      (source == "dbt-labs/dbt_utils" || source == "fishtown-analytics/dbt_utils")) {
    return "dbt_utils";
  }
  if (spec.kind == PackageSpec::Kind::Git && source.find("dbt-utils") != std::string::npos) {
    return "dbt_utils";
  }
  return "";
}

std::vector<PackageSpec> read_package_specs(const Project& project) {
  std::string file_name;
  for (const char* candidate : {"packages.yml", "dependencies.yml"}) {
    if (std::filesystem::exists(project.root_dir / candidate)) {
      file_name = candidate;
      break;
    }
  }
  std::vector<PackageSpec> specs;
  if (file_name.empty()) return specs;
  std::string text = read_text_file(project.root_dir / file_name, file_name);
  Data document = parse_yaml(text, file_name);
  if (document.is_null()) return specs;
  FieldReader fields(document, ErrorKind::Project, text);
  if (!document.is_map())
    fields.fail(document, file_name + " must be a mapping with a `packages:` list");
  const Data* packages = document.find("packages");
  if (!packages || packages->is_null()) return specs;
  if (!packages->is_list()) fields.wrong_type("packages", *packages, "a list");
  for (const Data& entry : packages->as_list()) {
    FieldReader entry_fields(entry, ErrorKind::Project, text);
    if (!entry.is_map())
      entry_fields.fail(entry,
                        "each package must be a mapping (local:, package:, git: or tarball:)");
    PackageSpec spec;
    spec.location = entry.location();
    if (auto local = entry_fields.optional_string("local")) {
      spec.kind = PackageSpec::Kind::Local;
      spec.source = *local;
    } else if (auto hub = entry_fields.optional_string("package")) {
      spec.kind = PackageSpec::Kind::Hub;
      spec.source = *hub;
      // A version is a string or a list of range bounds (">=1.0.0", "<2.0.0").
      if (const Data* version = entry.find("version"); version && version->is_list()) {
        for (const Data& bound : version->as_list()) {
          spec.version += (spec.version.empty() ? "" : ", ") + bound.scalar_text();
        }
      } else {
        spec.version = entry_fields.optional_string("version").value_or("");
      }
      spec.folder = last_segment(*hub);
    } else if (auto git = entry_fields.optional_string("git")) {
      spec.kind = PackageSpec::Kind::Git;
      spec.source = *git;
      spec.version = entry_fields.optional_string("revision").value_or("");
      spec.folder = last_segment(*git);
    } else if (auto tarball = entry_fields.optional_string("tarball")) {
      spec.kind = PackageSpec::Kind::Tarball;
      spec.source = *tarball;
      spec.folder = entry_fields.optional_string("name").value_or(last_segment(*tarball));
    } else {
      entry_fields.fail(entry, "a package needs one of local:, package:, git: or tarball:");
    }
    if (spec.kind == PackageSpec::Kind::Local) {
      std::filesystem::path dir = project.root_dir / spec.source;
      if (!std::filesystem::exists(dir / "dbt_project.yml")) {
        KilnError error(ErrorKind::Project,
                        "local package '" + spec.source + "' has no dbt_project.yml at " +
                            dir.lexically_normal().string(),
                        spec.location, "the path is relative to the project folder");
        throw error.with_source(text);
      }
      spec.folder = load_project(dir, {}).name;
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<std::string> install_packages(const Project& project) {
  std::vector<std::string> lines;
  std::filesystem::path dir = packages_dir(project);
  for (const PackageSpec& spec : read_package_specs(project)) {
    std::filesystem::path destination = dir / spec.folder;
    if (spec.kind == PackageSpec::Kind::Local) {
      std::filesystem::create_directories(dir);
      std::error_code ec;
      if (std::filesystem::is_symlink(destination, ec) ||
          std::filesystem::exists(destination, ec)) {
        std::filesystem::remove_all(destination, ec);
      }
      std::filesystem::create_directory_symlink(
          std::filesystem::absolute(project.root_dir / spec.source).lexically_normal(), destination,
          ec);
      if (ec) {
        throw KilnError(ErrorKind::Io, "cannot link " + destination.string() + ": " + ec.message());
      }
      lines.push_back("Installed from local " + spec.source + " as " + spec.folder);
      continue;
    }
    std::string builtin = builtin_substitute(spec);
    if (!builtin.empty() && !std::filesystem::exists(destination / "dbt_project.yml") &&
        !std::filesystem::exists(dir / builtin / "dbt_project.yml")) {
      lines.push_back("Using kiln's built-in " + builtin + " for " + kind_name(spec.kind) +
                      " package " + spec.source + " (" + project.packages_install_path + "/" +
                      builtin + " is not installed)");
      continue;
    }
    if (!std::filesystem::exists(destination / "dbt_project.yml")) {
      throw KilnError(ErrorKind::Project,
                      kind_name(spec.kind) + " package '" + spec.source + "' is not installed in " +
                          project.packages_install_path + "/",
                      spec.location, missing_hint(spec, project));
    }
    lines.push_back("Kept " + kind_name(spec.kind) + " package " + spec.source + " already in " +
                    project.packages_install_path + "/" + spec.folder);
  }
  if (lines.empty()) lines.push_back("No packages to install");
  return lines;
}

std::vector<std::string> check_packages_installed(const Project& project) {
  std::filesystem::path dir = packages_dir(project);
  std::vector<std::string> substitutes;
  for (const PackageSpec& spec : read_package_specs(project)) {
    if (std::filesystem::exists(dir / spec.folder / "dbt_project.yml")) continue;
    if (std::string builtin = builtin_substitute(spec); !builtin.empty()) {
      // dbt installs a package in a folder named as its project; kiln's copy stands in only
      // when neither folder holds one.
      if (!std::filesystem::exists(dir / builtin / "dbt_project.yml")) {
        substitutes.push_back(builtin);
      }
      continue;
    }
    throw KilnError(ErrorKind::Project,
                    kind_name(spec.kind) + " package '" + spec.source +
                        "' is listed but not installed in " + project.packages_install_path + "/",
                    spec.location, missing_hint(spec, project));
  }
  return substitutes;
}

}  // namespace kiln
