import { create } from 'zustand';
import { isString, readPreference, writePreference } from '../local-preferences.ts';

// The feedback name and reviewer id are set once and remembered across sessions.
export const DEFAULT_FEEDBACK_NAME = 'user_satisfaction';
const NAME_KEY = 'feedback.name';
const REVIEWER_KEY = 'feedback.reviewer-id';

interface FeedbackPreferences {
  feedbackName: string;
  reviewerId: string;
  setFeedbackName: (name: string) => void;
  setReviewerId: (id: string) => void;
}

export const useFeedbackPreferences = create<FeedbackPreferences>((set) => ({
  feedbackName: readPreference(NAME_KEY, DEFAULT_FEEDBACK_NAME, isString) || DEFAULT_FEEDBACK_NAME,
  reviewerId: readPreference(REVIEWER_KEY, '', isString),
  setFeedbackName: (name) => {
    const value = name.trim() || DEFAULT_FEEDBACK_NAME;
    writePreference(NAME_KEY, value);
    set({ feedbackName: value });
  },
  setReviewerId: (id) => {
    const value = id.trim();
    writePreference(REVIEWER_KEY, value);
    set({ reviewerId: value });
  },
}));
