#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln {

std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
bool contains_jinja(std::string_view text);
// Levenshtein distance, for "did you mean" hints.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `name`, or "" when none is close enough to be a plausible typo.
std::string closest_match(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace kiln
