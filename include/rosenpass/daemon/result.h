// The daemon layer uses the base layer's one error type (rosenpass/base/result.h).
#pragma once

#include "rosenpass/base/result.h"

namespace rosenpass::daemon {

using base::Error;
using base::make_error;
using base::Ok;
using base::ok_status;
using base::Result;
using base::Status;

}  // namespace rosenpass::daemon
