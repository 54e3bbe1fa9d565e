package fakehub

import "time"

// DemoScenario returns the scenario of `make demo`, accepting the token
// "demo-token". Its clocks start with the server, so poll it promptly:
//
//   - hub-demo-image-0001, an image task (nano-banana): pending for 1s,
//     processing for 3s, then completed with data.images[0].url;
//   - hub-demo-video-0002, a video task (veo-3.1-fast): pending for 2s,
//     processing for 7s, then completed with data.video.url.
//
// Tasks submitted with POST follow the timeline of the task of the same
// capability, or the default timeline for audio and transcribe.
func DemoScenario() Scenario {
	const imageID, videoID = "hub-demo-image-0001", "hub-demo-video-0002"
	return Scenario{
		Token: "demo-token",
		Tasks: []Task{
			{
				ID:         imageID,
				Model:      "nano-banana",
				Capability: "image",
				Steps: []Step{
					{For: Duration(time.Second), Status: "pending"},
					{For: Duration(3 * time.Second), Status: "processing"},
					{Status: "completed", Data: SampleData("image", imageID)},
				},
			},
			{
				ID:         videoID,
				Model:      "veo-3.1-fast",
				Capability: "video",
				Steps: []Step{
					{For: Duration(2 * time.Second), Status: "pending"},
					{For: Duration(7 * time.Second), Status: "processing"},
					{Status: "completed", Data: SampleData("video", videoID)},
				},
			},
		},
	}
}
