// The store contract (store_contract.hpp) on SQLite: each test gets a fresh
// database file in a temporary directory.
#include <atomic>

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

}  // namespace
}  // namespace ecrn::store::contract
