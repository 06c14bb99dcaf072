// rtnetlink link handling inside a namespace we create.
#include "rosenpass/wireguard/link.h"

#include <gtest/gtest.h>

#include "process_util.h"

namespace rosenpass::wireguard {
namespace {

TEST(Link, CreateUpDeleteInNamespace) {
  if (!test::is_root()) GTEST_SKIP() << "needs root for network namespaces";
  test::NetNamespace ns("l");
  ASSERT_TRUE(ns.ok());
  ASSERT_EQ(ns.run("ip link add rpv0 type veth peer name rpv1"), 0);

  // Each check is one bit of the child's exit code.
  int failures = test::run_in_netns(ns.name(), [] {
    int bad = 0;
    if (!link_exists("rpv0") || link_exists("rpnone0")) bad |= 1;
    if (!set_link_up("rpv0").ok()) bad |= 2;
    auto exists = create_wireguard_link("rpv0");
    if (exists.ok() || exists.error().kind != LinkError::kExists) bad |= 4;
    auto wg = create_wireguard_link("rpwg0");
    // Without the kernel module: not supported; with it: created, and then deletable.
    if (!wg.ok() && wg.error().kind != LinkError::kNotSupported) bad |= 8;
    if (wg.ok() && (!delete_link("rpwg0").ok() || link_exists("rpwg0"))) bad |= 8;
    if (!delete_link("rpv0").ok() || link_exists("rpv0") || link_exists("rpv1")) bad |= 16;
    auto gone = delete_link("rpv0");
    if (gone.ok() || gone.error().kind != LinkError::kNoSuchDevice) bad |= 32;
    auto invalid = create_wireguard_link("a/b");
    if (invalid.ok() || invalid.error().kind != LinkError::kInvalidName) bad |= 64;
    return bad;
  });
  EXPECT_EQ(failures, 0);
  std::string out;
  ns.run("ip -o link show", &out);
  EXPECT_EQ(out.find("rpv0"), std::string::npos) << out;
  EXPECT_EQ(ns.run("ip link show rpv0"), 1);
}

}  // namespace
}  // namespace rosenpass::wireguard
