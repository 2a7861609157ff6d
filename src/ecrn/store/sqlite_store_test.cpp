// The store contract (store_contract.hpp) on SQLite: each test gets a fresh
// database file in a temporary directory.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "ecrn/store/sqlite/migrations.hpp"
#include "ecrn/store/sqlite/sqlite_db.hpp"
#include "ecrn/store/store.hpp"
#include "ecrn/store/store_contract.hpp"
#include "ecrn/store/store_contract_hub.hpp"
#include "ecrn/store/store_contract_incident.hpp"
#include "testing/testing.hpp"

namespace ecrn::store::contract {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract,
                         ::testing::Values(StoreContractParam{
                             "sqlite",
                             [](const ecrn::testing::TempDir& scratch) {
                               static std::atomic<int> counter{0};
                               return scratch.File("store-" + std::to_string(counter++) + ".db");
                             }}),
                         ParamName);

// A commit that leaves more than wal_checkpoint_bytes in the write-ahead log
// wakes the checkpointer thread, which copies the log into the database file
// while the store stays open. (Without it the file would keep its size until
// the last connection closes: SQLite's own automatic checkpoint, which the
// checkpointer replaces, would wait for 16,384 pages.)
TEST(SqliteStore, CheckpointsTheWalInTheBackground) {
  ecrn::testing::TempDir dir;
  const std::string path = dir.File("checkpoint.db");
  StoreOptions options;
  options.wal_checkpoint_bytes = 256 * 1024;
  auto store = OpenStore(path, options);
  ASSERT_TRUE(store.ok()) << store.error().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  Channel channel;
  channel.name = "c";
  auto ch = (*store)->AddChannel(channel);
  ASSERT_TRUE(ch.ok()) << ch.error().ToString();
  const auto before = std::filesystem::file_size(path);
  std::vector<NewObject> objects(256);
  for (size_t i = 0; i < objects.size(); ++i) {
    auto& o = objects[i];
    o.stix_id = "note--" + std::to_string(i);
    o.type = "note";
    o.json = R"({"type":"note","content":")" + std::string(4096, 'x') + R"("})";
  }
  auto added = (*store)->InsertObjects(*ch, objects, 1);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  // The checkpoint runs beside the writer: wait for it (bounded).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::filesystem::file_size(path) < before + 1024 * 1024 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::filesystem::file_size(path), before + 1024 * 1024);
  EXPECT_EQ(*(*store)->CountObjects(*ch), 256);
}

// The secondary indexes of the object tables, by name, with their SQL as
// sqlite_master holds it ("" when absent).
std::map<std::string, std::string> ObjectIndexes(const std::string& path) {
  auto c = sqlite::Connection::Open(path, false, 5000);
  EXPECT_TRUE(c.ok());
  std::map<std::string, std::string> out;
  if (!c.ok()) return out;
  for (const auto& index : sqlite::ObjectSecondaryIndexes()) {
    auto s = (*c)->Prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?");
    EXPECT_TRUE(s.ok());
    (*s)->BindStatic(1, index.name);
    auto row = (*s)->Step();
    out[std::string(index.name)] = row.ok() && *row ? (*s)->Text(0) : "";
  }
  return out;
}

// The list of indexes a bulk load drops is the one the migrations build; an
// interrupted bulk load (no EndBulkLoad) is repaired by the next Migrate().
TEST(SqliteStore, BulkLoadDropsExactlyTheMigratedIndexesAndMigrateRebuildsThem) {
  ecrn::testing::TempDir dir;
  const std::string path = dir.File("bulk.db");
  std::map<std::string, std::string> migrated;
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    ASSERT_TRUE((*store)->Migrate().ok());
    migrated = ObjectIndexes(path);
    for (const auto& index : sqlite::ObjectSecondaryIndexes()) {
      EXPECT_EQ(migrated[std::string(index.name)],
                "CREATE INDEX " + std::string(index.name) + " " + std::string(index.definition));
    }
    auto began = (*store)->BeginBulkLoad();
    ASSERT_TRUE(began.ok());
    EXPECT_TRUE(*began);
    for (const auto& [name, sql] : ObjectIndexes(path)) EXPECT_EQ(sql, "") << name;
  }  // the "import" dies here, before EndBulkLoad
  auto store = OpenStore(path);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_EQ(ObjectIndexes(path), migrated);
}

}  // namespace
}  // namespace ecrn::store::contract
