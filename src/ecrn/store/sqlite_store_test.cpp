// The store contract (store_contract.hpp) on SQLite: each test gets a fresh
// database file in a temporary directory.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "ecrn/store/store.hpp"
#include "ecrn/store/store_contract.hpp"
#include "ecrn/store/store_contract_hub.hpp"
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

}  // namespace
}  // namespace ecrn::store::contract
