"""Runner Strength: a voice-guided strength coach for runners, on Alexa."""
