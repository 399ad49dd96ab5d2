/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_H
#define UCPOLICY_H

/**
 * @file ucpolicy.h
 * @brief libucpolicy: check X.509 certificates against the certificate policies of Unified
 *        Communications server roles (Lync / Skype for Business Server, Exchange Unified
 *        Messaging, Office Online Server, Teams Direct Routing SBCs).
 *
 * Include this header only; it pulls in the others. Link with `pkg-config --libs ucpolicy`.
 */

#include "ucpolicy/version.h"
#include "ucpolicy/common.h"
#include "ucpolicy/catalogue.h"
#include "ucpolicy/topology.h"
#include "ucpolicy/certificate.h"
#include "ucpolicy/report.h"
#include "ucpolicy/render.h"
#include "ucpolicy/checker.h"
#include "ucpolicy/probe.h"
#include "ucpolicy/deployment.h"
#include "ucpolicy/scan.h"

#endif /* UCPOLICY_H */
