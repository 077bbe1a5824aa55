#include "parser/doc_references.h"

#include <gtest/gtest.h>

#include "parser/project_parser.h"
#include "support/temp_dir.h"

namespace kiln {
namespace {

using kiln::testing::TempDir;

Manifest parse_files(const TempDir& dir) {
  Project project = load_project(dir.path(), {});
  std::vector<Project> packages = load_installed_packages(project, {});
  return parse_project(project, packages, ParseTarget{}, ParseOptions{});
}

void write_shop(const TempDir& dir) {
  dir.write("dbt_project.yml", "name: shop\n");
  dir.write("models/orders.sql", "select 1 as id, 'placed' as status");
  dir.write("models/docs.md",
            "{% docs orders %}\nOne row per order.\n{% enddocs %}\n"
            "{% docs order_status %}One of *placed*, *shipped*.{% enddocs %}\n");
  dir.write("macros/m.sql", "{% macro cents(x) %}{{ x }} / 100{% endmacro %}");
  dir.write("dbt_packages/util/dbt_project.yml", "name: util\n");
  dir.write("dbt_packages/util/models/util_docs.md",
            "{% docs orders %}The util package's orders.{% enddocs %}\n"
            "{% docs only_in_util %}From util.{% enddocs %}\n");
}

TEST(DocReferencesTest, DescriptionsTakeTheDocsBlockContents) {
  TempDir dir;
  write_shop(dir);
  dir.write("models/schema.yml",
            "version: 2\n"
            "models:\n"
            "  - name: orders\n"
            "    description: \"{{ doc('orders') }}\"\n"
            "    columns:\n"
            "      - name: status\n"
            "        description: 'Status. {{ doc(\"order_status\") }} See {{doc( \"util\" , "
            "\"orders\" )}}'\n"
            "      - name: id\n"
            "        description: \"{{ doc('only_in_util') }} -- {{ var('x') }}\"\n"
            "sources:\n"
            "  - name: raw\n"
            "    description: \"Raw: {{- doc('orders') -}} !\"\n"
            "    tables:\n"
            "      - name: orders\n"
            "        description: \"{{ doc('order_status') }}\"\n"
            "macros:\n"
            "  - name: cents\n"
            "    description: \"{{ doc('orders') }}\"\n"
            "    arguments:\n"
            "      - name: x\n"
            "        description: \"{{ doc('util', 'only_in_util') }}\"\n"
            "exposures:\n"
            "  - name: dash\n"
            "    type: dashboard\n"
            "    owner: {name: me}\n"
            "    description: \"{{ doc('orders') }}\"\n");
  Manifest manifest = parse_files(dir);
  const Node& orders = manifest.nodes.at("model.shop.orders");
  // The root project's block wins over the package's of the same name.
  EXPECT_EQ(orders.description, "One row per order.");
  EXPECT_EQ(orders.columns[0].description,
            "Status. One of *placed*, *shipped*. See The util package's orders.");
  // Other Jinja in a description is left as written.
  EXPECT_EQ(orders.columns[1].description, "From util. -- {{ var('x') }}");
  const SourceDefinition& raw = manifest.sources.at("source.shop.raw.orders");
  EXPECT_EQ(raw.source_description, "Raw:One row per order.!");
  EXPECT_EQ(raw.description, "One of *placed*, *shipped*.");
  const Macro& cents = manifest.macros.at("macro.shop.cents");
  EXPECT_EQ(cents.description, "One row per order.");
  EXPECT_EQ(cents.arguments.at(0).description, "From util.");
  EXPECT_EQ(manifest.exposures.at("exposure.shop.dash").properties.find("description")->as_string(),
            "One row per order.");
}

TEST(DocReferencesTest, UnknownDocNamesTheFileAndTheClosestDoc) {
  TempDir dir;
  write_shop(dir);
  dir.write("models/schema.yml",
            "version: 2\n"
            "models:\n"
            "  - name: orders\n"
            "    columns:\n"
            "      - name: status\n"
            "        description: \"{{ doc('order_statuss') }}\"\n");
  try {
    parse_files(dir);
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(),
              "the description of model.shop.orders column status uses doc('order_statuss'), but "
              "no docs block has that name");
    EXPECT_EQ(error.location().file, "models/schema.yml");
    EXPECT_EQ(error.hint(), "did you mean 'order_status'?");
  }
}

TEST(DocReferencesTest, PackageQualifiedDocLooksOnlyInThatPackage) {
  TempDir dir;
  write_shop(dir);
  dir.write("models/schema.yml",
            "version: 2\n"
            "models:\n"
            "  - name: orders\n"
            "    description: \"{{ doc('util', 'order_status') }}\"\n");
  try {
    parse_files(dir);
    FAIL() << "expected an error";
  } catch (const KilnError& error) {
    EXPECT_EQ(error.message(),
              "the description of model.shop.orders uses doc('util', 'order_status'), but no docs "
              "block has that name");
  }
}

TEST(DocReferencesTest, FindDocSearchesRootThenNodePackageThenAny) {
  Manifest manifest;
  manifest.metadata.project_name = "root";
  for (const char* id : {"doc.root.a", "doc.pkg.a", "doc.pkg.b", "doc.other.b", "doc.other.c"}) {
    Documentation doc;
    doc.unique_id = id;
    std::string rest = std::string(id).substr(4);
    doc.package_name = rest.substr(0, rest.find('.'));
    doc.name = rest.substr(rest.find('.') + 1);
    manifest.docs[id] = doc;
  }
  EXPECT_EQ(find_doc(manifest, "", "a", "pkg")->unique_id, "doc.root.a");
  EXPECT_EQ(find_doc(manifest, "", "b", "other")->unique_id, "doc.other.b");
  EXPECT_EQ(find_doc(manifest, "", "c", "pkg")->unique_id, "doc.other.c");
  EXPECT_EQ(find_doc(manifest, "pkg", "a", "root")->unique_id, "doc.pkg.a");
  EXPECT_EQ(find_doc(manifest, "pkg", "c", "root"), nullptr);
  EXPECT_EQ(unknown_doc_hint(manifest, "zzzzzzzz"),
            "define it in a .md file: {% docs zzzzzzzz %}...{% enddocs %}");
}

}  // namespace
}  // namespace kiln
