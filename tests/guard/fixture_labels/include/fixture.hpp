// Identifiers are not labels: SPINDLE_FRAME_R12, kSlot2, x86_64. FB.H1. ends a sentence: unlisted. flag
#pragma once
