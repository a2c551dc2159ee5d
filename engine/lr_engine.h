/*
** The land-release engine as one include for the command line: the
** vocabulary (lr_land.h), the inputs (input/lr_input.h), the ledger
** (ledger/lr_ledger.h) and its outputs (store/lr_store.h).  Rooms of the
** engine include only the headers of the rooms they may use.
*/
#ifndef LR_ENGINE_H
#define LR_ENGINE_H

#include "lr_input.h"
#include "lr_land.h"
#include "lr_ledger.h"
#include "lr_store.h"

#endif
