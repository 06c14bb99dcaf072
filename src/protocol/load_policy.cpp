#include <deque>

#include "rosenpass/protocol/server.h"
#include "timing.h"

namespace rosenpass::protocol {
namespace {

// Counts InitHellos in a sliding one-second window.
class RateLoadPolicy final : public LoadPolicy {
 public:
  explicit RateLoadPolicy(uint32_t max_per_second) : max_(max_per_second) {}
  bool under_load(Timestamp now) override {
    using namespace std::chrono_literals;
    while (!arrivals_.empty() && now - arrivals_.front() >= 1s) arrivals_.pop_front();
    bool loaded = arrivals_.size() >= max_;
    if (!loaded) arrivals_.push_back(now);  // bounded by max_
    return loaded;
  }

 private:
  uint32_t max_;
  std::deque<Timestamp> arrivals_;
};

class NeverUnderLoad final : public LoadPolicy {
 public:
  bool under_load(Timestamp) override { return false; }
};

}  // namespace

std::unique_ptr<LoadPolicy> make_rate_load_policy(uint32_t max_per_second) {
  return std::make_unique<RateLoadPolicy>(max_per_second);
}
std::unique_ptr<LoadPolicy> make_never_under_load() {
  return std::make_unique<NeverUnderLoad>();
}

}  // namespace rosenpass::protocol
